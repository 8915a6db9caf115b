import { type AutoScalingClient, DescribeTrafficSourcesCommand } from "@aws-sdk/client-auto-scaling";
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { wrapAwsError } from "./aws-error.js";
import type {
  GroupTrafficSources,
  RegisteredTarget,
  TargetGroupTargets,
  TrafficSource,
} from "./load-balancing.js";

/**
 * The group's traffic sources over Auto Scaling's DescribeTrafficSources (all pages), which lists target
 * groups and Classic Load Balancers alike, however they were attached.
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeTrafficSources.html
 */
export class AutoScalingTrafficSources implements GroupTrafficSources {
  constructor(private readonly client: AutoScalingClient) {}

  async trafficSources(asgName: string): Promise<TrafficSource[]> {
    const sources: TrafficSource[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client
        .send(
          new DescribeTrafficSourcesCommand({
            AutoScalingGroupName: asgName,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        )
        .catch((error: unknown) => {
          throw wrapAwsError(`describing the traffic sources of Auto Scaling group ${asgName}`, error);
        });
      for (const source of page.TrafficSources ?? []) {
        if (source.Identifier === undefined) continue;
        sources.push({ type: source.Type ?? "elbv2", identifier: source.Identifier });
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return sources;
  }
}

/**
 * Target groups over ELBv2: DescribeTargetHealth and DeregisterTargets.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html
 */
export class Elbv2TargetGroups implements TargetGroupTargets {
  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  async registeredTargets(targetGroupArn: string): Promise<RegisteredTarget[]> {
    const answer = await this.client
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))
      .catch((error: unknown) => {
        throw wrapAwsError(`describing the target health of ${targetGroupArn}`, error);
      });
    return (answer.TargetHealthDescriptions ?? []).flatMap((description) => {
      const id = description.Target?.Id;
      if (id === undefined) return [];
      const port = description.Target?.Port;
      return [
        { id, ...(port === undefined ? {} : { port }), state: description.TargetHealth?.State ?? "unknown" },
      ];
    });
  }

  async deregister(targetGroupArn: string, targets: readonly { id: string; port?: number }[]): Promise<void> {
    if (targets.length === 0) return;
    await this.client
      .send(
        new DeregisterTargetsCommand({
          TargetGroupArn: targetGroupArn,
          Targets: targets.map((target) => ({
            Id: target.id,
            ...(target.port === undefined ? {} : { Port: target.port }),
          })),
        }),
      )
      .catch((error: unknown) => {
        throw wrapAwsError(
          `deregistering ${targets.map((t) => t.id).join(", ")} from ${targetGroupArn}`,
          error,
        );
      });
  }
}
