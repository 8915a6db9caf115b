import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface DrainerAlarmsProps {
  readonly function: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  /** Where the alarms notify; without it they only show in CloudWatch. */
  readonly topic?: sns.ITopic;
}

/**
 * The three signals that a drain went wrong: a notice gave up and sits in the dead-letter queue, the
 * function failed, or it was throttled (so drains wait). Each fires on the first occurrence.
 */
export class DrainerAlarms extends Construct {
  readonly deadLetters: cloudwatch.Alarm;
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DrainerAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const anyOccurrence = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    this.deadLetters = new cloudwatch.Alarm(this, "DeadLetters", {
      ...anyOccurrence,
      alarmDescription:
        "A termination notice (or an undeliverable EventBridge event) reached the dead-letter queue: a node was not drained by the drainer.",
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
    });
    this.errors = new cloudwatch.Alarm(this, "Errors", {
      ...anyOccurrence,
      alarmDescription: "The node drainer function failed; its notice will be retried, then dead-lettered.",
      metric: props.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
    });
    this.throttles = new cloudwatch.Alarm(this, "Throttles", {
      ...anyOccurrence,
      alarmDescription: "The node drainer function was throttled; drains are delayed.",
      metric: props.function.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
    });

    if (props.topic) {
      const action = new SnsAction(props.topic);
      for (const alarm of this.all) alarm.addAlarmAction(action);
    }
  }

  get all(): cloudwatch.Alarm[] {
    return [this.deadLetters, this.errors, this.throttles];
  }
}
