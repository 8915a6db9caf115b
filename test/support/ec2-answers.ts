import type { AwsAnswer } from "./fake-aws.js";

/** An instance as the fake EC2 describes it. */
export interface FakeInstance {
  instanceId: string;
  /** Empty once the instance is stopping or terminated. */
  privateDnsName: string;
  availabilityZone: string;
  state: "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";
  tags: Record<string, string>;
}

const stateCodes = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

function xmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** `<name>text</name>`, or `<name/>` when empty, as EC2 writes them. */
function leaf(name: string, text: string): string {
  return text === "" ? `<${name}/>` : `<${name}>${xmlText(text)}</${name}>`;
}

function tagSet(tags: Record<string, string>): string {
  const items = Object.entries(tags).map(
    ([key, value]) => `<item>${leaf("key", key)}${leaf("value", value)}</item>`,
  );
  return items.length === 0 ? "<tagSet/>" : `<tagSet>${items.join("")}</tagSet>`;
}

/**
 * One instance item with the fields a real answer carries around the ones the drainer reads, including the
 * network interface's own privateDnsName and private IP items (which must not be taken for the instance's).
 */
function instanceItem(instance: FakeInstance, index: number): string {
  const ip = `10.0.${index}.${10 + index}`;
  const eniDns = instance.privateDnsName === "" ? "" : `ip-${ip.replaceAll(".", "-")}.eni.internal`;
  return `
        <item>
          <instanceId>${instance.instanceId}</instanceId>
          <imageId>ami-0abcdef1234567890</imageId>
          <instanceState>
            <code>${stateCodes[instance.state]}</code>
            <name>${instance.state}</name>
          </instanceState>
          ${leaf("privateDnsName", instance.privateDnsName)}
          <dnsName/>
          <reason/>
          <amiLaunchIndex>${index}</amiLaunchIndex>
          <productCodes/>
          <instanceType>m6i.large</instanceType>
          <launchTime>2026-11-20T08:15:42.000Z</launchTime>
          <placement>
            <availabilityZone>${instance.availabilityZone}</availabilityZone>
            <groupName/>
            <tenancy>default</tenancy>
          </placement>
          <monitoring>
            <state>disabled</state>
          </monitoring>
          <subnetId>subnet-0123456789abcdef0</subnetId>
          <vpcId>vpc-0123456789abcdef0</vpcId>
          <privateIpAddress>${ip}</privateIpAddress>
          <sourceDestCheck>true</sourceDestCheck>
          <groupSet>
            <item>
              <groupId>sg-0123456789abcdef0</groupId>
              <groupName>eks-cluster-sg-prod</groupName>
            </item>
          </groupSet>
          <architecture>x86_64</architecture>
          <rootDeviceType>ebs</rootDeviceType>
          <rootDeviceName>/dev/xvda</rootDeviceName>
          <blockDeviceMapping>
            <item>
              <deviceName>/dev/xvda</deviceName>
              <ebs>
                <volumeId>vol-0123456789abcdef0</volumeId>
                <status>attached</status>
                <attachTime>2026-11-20T08:15:43.000Z</attachTime>
                <deleteOnTermination>true</deleteOnTermination>
              </ebs>
            </item>
          </blockDeviceMapping>
          <virtualizationType>hvm</virtualizationType>
          <clientToken>fleet-0a1b2c3d-${index}</clientToken>
          ${tagSet(instance.tags)}
          <hypervisor>xen</hypervisor>
          <networkInterfaceSet>
            <item>
              <networkInterfaceId>eni-0123456789abcdef${index}</networkInterfaceId>
              <subnetId>subnet-0123456789abcdef0</subnetId>
              <status>in-use</status>
              <privateIpAddress>${ip}</privateIpAddress>
              ${leaf("privateDnsName", eniDns)}
              <privateIpAddressesSet>
                <item>
                  <privateIpAddress>${ip}</privateIpAddress>
                  ${leaf("privateDnsName", eniDns)}
                  <primary>true</primary>
                </item>
              </privateIpAddressesSet>
            </item>
          </networkInterfaceSet>
          <ebsOptimized>true</ebsOptimized>
          <metadataOptions>
            <state>applied</state>
            <httpTokens>required</httpTokens>
            <httpPutResponseHopLimit>2</httpPutResponseHopLimit>
            <httpEndpoint>enabled</httpEndpoint>
          </metadataOptions>
        </item>`;
}

/** A DescribeInstances answer: one reservation per inner array, as EC2 groups instances launched together. */
export function describeInstancesAnswer(reservations: readonly (readonly FakeInstance[])[]): AwsAnswer {
  let index = 0;
  const items = reservations.map(
    (instances, reservation) => `
    <item>
      <reservationId>r-0123456789abcdef${reservation}</reservationId>
      <ownerId>123456789012</ownerId>
      <requesterId>940372691376</requesterId>
      <groupSet/>
      <instancesSet>${instances.map((instance) => instanceItem(instance, index++)).join("")}
      </instancesSet>
    </item>`,
  );
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7724cf-496f-496e-8fe3-5f4c2b6f0a21</requestId>
  ${items.length === 0 ? "<reservationSet/>" : `<reservationSet>${items.join("")}\n  </reservationSet>`}
</DescribeInstancesResponse>`;
  return { status: 200, contentType: "text/xml;charset=UTF-8", body };
}

/** An EC2 error answer, as EC2 writes them for every error code. */
export function ec2ErrorAnswer(status: number, code: string, message: string): AwsAnswer {
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${xmlText(message)}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-7ad1c4a2b3c4</RequestID></Response>`;
  return { status, contentType: "text/xml;charset=UTF-8", body };
}
