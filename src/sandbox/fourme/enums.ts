/**
 * @module sandbox/fourme/enums
 * 4me's enum values where they are not GraphQL names. `WebhookEvent` lists dotted names
 * (`request.create`, `app_instance.secrets-update`), as the official Xurrent .NET SDK has them
 * (xurrent/graphql-dotnet, WebhookEvent). graphql-js cannot build such values, so the SDL carries
 * placeholders and `realNames` puts 4me's names back once the schema is built: introspection,
 * variables, string literals (as 4me takes them) and answers all use the dotted names.
 */
import { Kind, validateSchema, type GraphQLEnumType, type GraphQLSchema } from 'graphql';

export const WEBHOOK_EVENTS = `app_instance.create app_instance.delete app_instance.secrets-update app_instance.update automation_rule
broadcast.create broadcast.update ci.create ci.update contract.create contract.update flsa.create flsa.update
knowledge_article.create knowledge_article.update organization.create organization.update out_of_office_period.create
out_of_office_period.delete out_of_office_period.update person.create person.update problem.create problem.manager-changed
problem.member-changed problem.note-added problem.status-changed problem.team-changed problem.update product.create
product.update project_task.create project_task.delete project_task.note-added project_task.status-changed
project_task.update project.create project.manager-changed project.note-added project.status-changed project.update
release.create release.manager-changed release.note-added release.update request.agile-board-column-changed request.create
request.major-incident-status-changed request.member-changed request.note-added request.status-changed request.team-changed
request.update risk.create risk.manager-changed risk.note-added risk.status-changed risk.update service_instance.create
service_instance.update service_offering.create service_offering.update service.create service.update sla.create sla.update
task.create task.member-changed task.note-added task.status-changed task.team-changed task.update team.create team.update
time_entry.create time_entry.delete time_entry.update webhook.verify workflow.create workflow.manager-changed
workflow.note-added workflow.status-changed workflow.update`.split(/\s+/);

/** A GraphQL-legal stand-in for a dotted value, unique per value. */
export const placeholder = (v: string): string => `v_${v.replace(/\./g, '__').replace(/-/g, '_')}`;

export const DOTTED: Record<string, string[]> = { WebhookEvent: WEBHOOK_EVENTS };


/** Renames the placeholders of each dotted enum to 4me's names in a built (and validated) schema. */
export function realNames(schema: GraphQLSchema): GraphQLSchema {
  // Validated first: the result is cached on the schema, so the names graphql-js would refuse are
  // only set afterwards.
  const errors = validateSchema(schema);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  for (const [name, values] of Object.entries(DOTTED)) {
    const t = schema.getType(name) as GraphQLEnumType;
    const real = new Map(values.map((v) => [placeholder(v), v]));
    for (const v of t.getValues()) {
      const dotted = real.get(v.name)!;
      (v as { name: string }).name = dotted;
      (v as { value: unknown }).value = dotted;
    }
    // graphql-js caches its name and value lookups; drop them so they are rebuilt with the real names.
    Object.assign(t as object, { _nameLookup: null, _valueLookup: null });
    const literal = t.parseLiteral.bind(t);
    // 4me takes a dotted value as a string literal: `event: "request.create"`.
    t.parseLiteral = (node, vars, hide) => (node.kind === Kind.STRING ? t.parseValue(node.value, hide) : literal(node, vars, hide));
  }
  return schema;
}
