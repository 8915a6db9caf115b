import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodyOf, LoopbackServer } from "./loopback-server.js";
import type { SimulatedTargetGroup, TargetGroupDirectory } from "./target-groups.js";

const namespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

class Elbv2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** One recorded call: the action and the target group it named. */
export interface Elbv2Call {
  action: string;
  targetGroupArn?: string;
}

/**
 * A local ELBv2-compatible endpoint: plain HTTP on 127.0.0.1 speaking the Query protocol of Elastic Load
 * Balancing version 2015-12-01 (a form-encoded POST with `Action`, an XML `<ActionResponse>` with its
 * `<ActionResult>` and `ResponseMetadata`, errors as `<ErrorResponse><Error>`), so that the real
 * `@aws-sdk/client-elastic-load-balancing-v2` talks to it as to ELBv2. DescribeTargetHealth,
 * DeregisterTargets and DescribeTargetGroups over a TargetGroupDirectory.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeregisterTargets.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html
 */
export class Elbv2Endpoint {
  private readonly server = new LoopbackServer((request, response) => void this.serve(request, response));
  private readonly log: Elbv2Call[] = [];

  constructor(private readonly directory: TargetGroupDirectory) {}

  start(): Promise<void> {
    return this.server.start();
  }

  /** The endpoint's URL ("http://127.0.0.1:PORT"). */
  get url(): string {
    return this.server.url;
  }

  /** Every call answered, in order. */
  calls(): Elbv2Call[] {
    return this.log.map((call) => ({ ...call }));
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const form = new URLSearchParams(await bodyOf(request));
      const action = form.get("Action") ?? "";
      const arn = form.get("TargetGroupArn") ?? undefined;
      this.log.push({ action, ...(arn === undefined ? {} : { targetGroupArn: arn }) });
      const result = this.act(action, form);
      send(
        response,
        200,
        `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      );
    } catch (error) {
      const failure =
        error instanceof Elbv2Error ? error : new Elbv2Error("InternalFailure", String(error), 500);
      send(
        response,
        failure.status,
        `<ErrorResponse xmlns="${namespace}"><Error><Type>${failure.status >= 500 ? "Receiver" : "Sender"}</Type>` +
          `<Code>${failure.code}</Code><Message>${xmlText(failure.message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
  }

  private act(action: string, form: URLSearchParams): string {
    switch (action) {
      case "DescribeTargetHealth": {
        const group = this.groupOf(form.get("TargetGroupArn"));
        const asked = members(form, "Targets");
        const registered = group.targets();
        const described =
          asked.length === 0
            ? registered
            : asked.map(
                (target) =>
                  registered.find((candidate) => candidate.id === target.id) ?? {
                    id: target.id,
                    port: target.port ?? group.spec.port,
                    state: "unused" as const,
                  },
              );
        const items = described.map(
          (target) =>
            `<member><Target><Id>${xmlText(target.id)}</Id><Port>${target.port}</Port></Target>` +
            `<HealthCheckPort>${target.port}</HealthCheckPort><TargetHealth><State>${target.state}</State>` +
            `${reasonOf(target.state)}</TargetHealth></member>`,
        );
        return `<TargetHealthDescriptions>${items.join("")}</TargetHealthDescriptions>`;
      }
      case "DeregisterTargets": {
        const group = this.groupOf(form.get("TargetGroupArn"));
        const targets = members(form, "Targets");
        if (targets.length === 0) throw new Elbv2Error("ValidationError", "Targets must not be empty");
        for (const target of targets) group.deregister(target.id);
        return "";
      }
      case "DescribeTargetGroups": {
        const arns = [...form.entries()]
          .filter(([key]) => key.startsWith("TargetGroupArns.member."))
          .map(([, value]) => value);
        const groups = arns.length === 0 ? this.directory.all() : arns.map((arn) => this.groupOf(arn));
        const items = groups.map(
          (group) =>
            `<member><TargetGroupArn>${xmlText(group.arn)}</TargetGroupArn><TargetGroupName>${xmlText(group.name)}</TargetGroupName>` +
            `<Protocol>HTTP</Protocol><Port>${group.spec.port}</Port><TargetType>${group.spec.targetType}</TargetType></member>`,
        );
        return `<TargetGroups>${items.join("")}</TargetGroups>`;
      }
      default:
        throw new Elbv2Error("InvalidAction", `The action ${action} is not valid for this web service.`);
    }
  }

  private groupOf(arn: string | null): SimulatedTargetGroup {
    const group = arn === null ? undefined : this.directory.find(arn);
    if (group === undefined) {
      throw new Elbv2Error("TargetGroupNotFound", `Target groups '${arn ?? ""}' not found`);
    }
    return group;
  }
}

/** `Targets.member.N.Id` / `.Port` of a Query request. */
function members(form: URLSearchParams, list: string): { id: string; port?: number }[] {
  const found: { id: string; port?: number }[] = [];
  for (let n = 1; ; n++) {
    const id = form.get(`${list}.member.${n}.Id`);
    if (id === null) return found;
    const port = form.get(`${list}.member.${n}.Port`);
    found.push({ id, ...(port === null ? {} : { port: Number(port) }) });
  }
}

/** Reason codes of the TargetHealth states the simulation uses. */
function reasonOf(state: "healthy" | "draining" | "unused"): string {
  if (state === "draining") {
    return "<Reason>Target.DeregistrationInProgress</Reason><Description>Target deregistration is in progress</Description>";
  }
  if (state === "unused") {
    return "<Reason>Target.NotRegistered</Reason><Description>Target is not registered to the target group</Description>";
  }
  return "";
}

function xmlText(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    "content-type": "text/xml",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(body);
}
