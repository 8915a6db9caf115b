import { Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * Acknowledges, with a written reason, an IAM resource that needs a wildcard (an action without
 * resource-level permissions, or an ARN segment unknown at deploy time).
 *
 * cdk-nag's AwsSolutions-IAM5 reports one finding per wildcard resource, named after the resource as it
 * appears in the template with references written `<LogicalId>`, `<LogicalId.Attribute>` and
 * `<AWS::Region>`. Acknowledgments must carry that exact name, so it is derived here from the resolved
 * template value instead of being spelled out by hand. The cdk-nag test fails if the two ever disagree.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const name = templateName(Stack.of(scope).resolve(resource));
  if (!name.includes("*")) return;
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${name}]`, reason });
}

type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };

function isObject(value: unknown): value is Record<string, TemplateValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A template value written as one string: references in angle brackets, joins joined. */
export function templateName(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value.replaceAll("${", "<").replaceAll("}", ">");
  if (isObject(value)) {
    const join = value["Fn::Join"];
    if (Array.isArray(join) && typeof join[0] === "string" && Array.isArray(join[1])) {
      return join[1].map(templateName).join(join[0]);
    }
    if ("Fn::Sub" in value) return templateName(value["Fn::Sub"]);
    if ("Fn::ImportValue" in value) return templateName(value["Fn::ImportValue"]);
    const getAtt = value["Fn::GetAtt"];
    if (Array.isArray(getAtt)) return `<${templateName(getAtt[0])}.${templateName(getAtt[1])}>`;
    if ("Ref" in value) return `<${templateName(value.Ref)}>`;
  }
  return JSON.stringify(value);
}
