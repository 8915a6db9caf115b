/**
 * The notifications a drain sends (SNS and/or a webhook, when configured): when it starts, when it ends
 * with the lifecycle action completed, when it fails. One model, rendered as a Slack-compatible webhook
 * payload and as an SNS message.
 */
import { durationText, timeText } from "../kube/drain-event-catalog.js";

export type DrainNotificationKind = "drain-started" | "drain-finished" | "drain-failed";

export interface NotificationSubject {
  instanceId: string;
  asgName: string;
  hookName: string;
  clusterName?: string;
  nodeName?: string;
}

export interface DrainNotification {
  kind: DrainNotificationKind;
  /** Epoch ms. */
  at: number;
  severity: "info" | "warning" | "error";
  /** One line: what happened to which node. */
  title: string;
  subject: NotificationSubject;
  /** Label → value, in display order. */
  facts: [string, string][];
}

export function drainStarted(subject: NotificationSubject, at: number, deadline: number): DrainNotification {
  return {
    kind: "drain-started",
    at,
    severity: "info",
    title: `Draining node ${subject.nodeName ?? subject.instanceId}`,
    subject,
    facts: [...subjectFacts(subject), ["Deadline", timeText(deadline)]],
  };
}

export interface DrainSummary {
  /** drained, deadline-forced, deadline-reached. */
  ending: string;
  /** CONTINUE, ABANDON, or DEFAULT-RESULT (no completion call). */
  result: string;
  reason: string;
  evicted?: number;
  forced?: number;
  durationMs?: number;
  /** Where the drain's HTML report was written (s3://bucket/key). */
  report?: string;
}

export function drainFinished(
  subject: NotificationSubject,
  at: number,
  summary: DrainSummary,
): DrainNotification {
  const clean = summary.ending === "drained" && summary.result === "CONTINUE";
  const facts: [string, string][] = [
    ...subjectFacts(subject),
    ["Ending", summary.ending],
    ["Lifecycle action", summary.result],
  ];
  if (summary.evicted !== undefined) facts.push(["Pods evicted", String(summary.evicted)]);
  if (summary.forced !== undefined && summary.forced > 0)
    facts.push(["Pods force-deleted", String(summary.forced)]);
  if (summary.durationMs !== undefined) facts.push(["Duration", durationText(summary.durationMs)]);
  facts.push(["Why", summary.reason]);
  if (summary.report !== undefined) facts.push(["Report", summary.report]);
  return {
    kind: "drain-finished",
    at,
    severity: clean ? "info" : "warning",
    title: clean
      ? `Drained node ${subject.nodeName ?? subject.instanceId}`
      : `Drain of node ${subject.nodeName ?? subject.instanceId} ended at its deadline (${summary.result})`,
    subject,
    facts,
  };
}

export function drainFailed(
  subject: NotificationSubject,
  at: number,
  failure: { message: string; retryable: boolean },
): DrainNotification {
  return {
    kind: "drain-failed",
    at,
    severity: "error",
    title: `Drain of node ${subject.nodeName ?? subject.instanceId} failed`,
    subject,
    facts: [
      ...subjectFacts(subject),
      ["Error", failure.message],
      [
        "Next",
        failure.retryable
          ? "retried from the node's state"
          : "not retried by itself: the notice goes to the dead-letter queue after its redeliveries",
      ],
    ],
  };
}

/** One plain-text line (e-mail subscribers, logs, the webhook's fallback `text`). */
export function notificationText(notification: DrainNotification): string {
  const details = notification.facts.map(([label, value]) => `${label}: ${value}`).join("; ");
  return `${notification.title}. ${details}`;
}

const severityIcon = { info: ":white_check_mark:", warning: ":warning:", error: ":x:" } as const;

/** A Slack incoming-webhook payload: `text` (the fallback and notification text) plus Block Kit blocks. */
export function slackPayload(notification: DrainNotification): Record<string, unknown> {
  const fields = notification.facts.map(([label, value]) => ({
    type: "mrkdwn",
    text: clip(`*${label}*\n${value}`, 2000),
  }));
  // A section holds at most 10 fields: https://api.slack.com/reference/block-kit/blocks#section
  const sections = [];
  for (let start = 0; start < fields.length; start += 10) {
    sections.push({ type: "section", fields: fields.slice(start, start + 10) });
  }
  return {
    text: clip(`${severityIcon[notification.severity]} ${notificationText(notification)}`, 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(notification.title, 150) } },
      ...sections,
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: `eks-node-drainer · ${notification.kind} · ${timeText(notification.at)}` },
        ],
      },
    ],
  };
}

/** An SNS message: a subject for e-mail, a JSON body for programs, attributes for filter policies. */
export function snsMessage(notification: DrainNotification): {
  subject: string;
  message: string;
  attributes: Record<string, string>;
} {
  const { subject } = notification;
  const body = {
    source: "eks-node-drainer",
    type: notification.kind,
    severity: notification.severity,
    time: new Date(notification.at).toISOString(),
    title: notification.title,
    text: notificationText(notification),
    ...subject,
    details: Object.fromEntries(notification.facts),
  };
  return {
    // SNS subjects: ASCII, no line breaks, at most 100 characters.
    subject: clip(`eks-node-drainer: ${notification.title}`.replace(/[^\x20-\x7e]/g, "?"), 100),
    message: JSON.stringify(body),
    attributes: {
      type: notification.kind,
      severity: notification.severity,
      asgName: subject.asgName,
      ...(subject.clusterName === undefined ? {} : { clusterName: subject.clusterName }),
    },
  };
}

function subjectFacts(subject: NotificationSubject): [string, string][] {
  const facts: [string, string][] = [];
  if (subject.clusterName !== undefined) facts.push(["Cluster", subject.clusterName]);
  if (subject.nodeName !== undefined) facts.push(["Node", subject.nodeName]);
  facts.push(["Instance", subject.instanceId], ["Auto Scaling group", subject.asgName]);
  return facts;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One way of notifying (SNS, the webhook). */
export interface NotificationChannel {
  readonly name: string;
  send(notification: DrainNotification): Promise<void>;
}
