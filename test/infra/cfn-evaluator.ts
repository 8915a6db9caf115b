/**
 * Evaluates the CloudFormation intrinsics the plain template uses (Ref to parameters, Fn::Join, Fn::Split,
 * Fn::Select, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::If, Condition), the way CloudFormation does, so tests can check
 * what a stack would contain for given parameter values.
 */
type Value = unknown;

export interface TemplateDocument {
  Parameters: Record<string, { Type: string; Default?: string | number }>;
  Conditions: Record<string, Value>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, Value> }>;
}

export const noValue = Symbol("AWS::NoValue");

export class TemplateEvaluator {
  private readonly parameters: Record<string, Value>;
  private readonly conditionCache = new Map<string, boolean>();

  constructor(
    private readonly template: TemplateDocument,
    given: Record<string, string>,
  ) {
    this.parameters = Object.fromEntries(
      Object.entries(template.Parameters).map(([name, declaration]) => {
        const raw = given[name] ?? declaration.Default;
        if (raw === undefined) throw new Error(`parameter ${name} has no value and no default`);
        const text = String(raw);
        return [name, declaration.Type.includes("List") ? text.split(",") : text];
      }),
    );
  }

  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const expression = this.template.Conditions[name];
    if (expression === undefined) throw new Error(`no condition ${name}`);
    const result = this.evaluate(expression);
    if (typeof result !== "boolean") throw new Error(`condition ${name} is not a boolean`);
    this.conditionCache.set(name, result);
    return result;
  }

  /** Logical ids of the resources the stack would create. */
  createdResources(type?: string): string[] {
    return Object.entries(this.template.Resources)
      .filter(
        ([, resource]) =>
          (type === undefined || resource.Type === type) &&
          (!resource.Condition || this.condition(resource.Condition)),
      )
      .map(([id]) => id);
  }

  evaluate(value: Value): Value {
    if (Array.isArray(value))
      return value.map((item) => this.evaluate(item)).filter((item) => item !== noValue);
    if (typeof value !== "object" || value === null) return value;
    const [[fn, args] = []] = Object.entries(value);
    const list = args as Value[];
    switch (fn) {
      case "Ref":
        if (args === "AWS::NoValue") return noValue;
        if (typeof args === "string" && args in this.parameters) return this.parameters[args];
        return `<${String(args)}>`;
      case "Condition":
        return this.condition(String(args));
      case "Fn::Join":
        return (this.evaluate(list[1]) as Value[]).map(String).join(String(list[0]));
      case "Fn::Split":
        return String(this.evaluate(list[1])).split(String(list[0]));
      case "Fn::Select": {
        const items = this.evaluate(list[1]) as Value[];
        const index = Number(this.evaluate(list[0]));
        if (index >= items.length)
          throw new Error(`Fn::Select index ${index} out of range (${items.length} items)`);
        return items[index];
      }
      case "Fn::Equals":
        return JSON.stringify(this.evaluate(list[0])) === JSON.stringify(this.evaluate(list[1]));
      case "Fn::Not":
        return !this.evaluate(list[0]);
      case "Fn::And":
        return list.every((item) => this.evaluate(item) === true);
      case "Fn::Or":
        return list.some((item) => this.evaluate(item) === true);
      case "Fn::If":
        return this.condition(String(list[0])) ? this.evaluate(list[1]) : this.evaluate(list[2]);
      default:
        return Object.fromEntries(
          Object.entries(value)
            .map(([key, item]) => [key, this.evaluate(item)] as const)
            .filter(([, item]) => item !== noValue),
        );
    }
  }
}
