/**
 * @module sandbox/fourme/sdl
 * The emulated 4me GraphQL schema: the records a task-automation recipe touches, in 4me's naming
 * (nodeIDs, connections with `nodes`/`pageInfo` taking `first` or `last` of 1–100, mutation
 * payloads with `errors{path message}` where `path` is a list), and inputs only as the official
 * SDK (xurrent/graphql-dotnet) has them: tasks are added with `taskCreate`, not `newTasks`.
 */
import { DOTTED, placeholder } from './enums.js';

const PAGE = 'first: Int, last: Int, after: String, before: String';
const dotted = (name: string) => `enum ${name} { ${DOTTED[name]!.map(placeholder).join(' ')} }`;

export const SDL = /* GraphQL */ `
interface Node { id: ID! }
type PageInfo { hasNextPage: Boolean! endCursor: String startCursor: String hasPreviousPage: Boolean! }
type Error { path: [String!] message: String! }
${dotted('WebhookEvent')}
enum ProblemStatus { declined assigned accepted in_progress waiting_for analyzed change_requested workflow_pending on_backlog project_pending progress_halted solved }
enum TaskStatus { registered declined assigned accepted in_progress waiting_for waiting_for_customer request_pending failed rejected completed approved canceled }
enum RequestStatus { declined on_backlog assigned accepted in_progress waiting_for waiting_for_customer reservation_pending workflow_pending project_pending completed }
enum TaskCategory { risk_and_impact approval implementation automation fulfillment_placeholder }
enum WebhookPolicyJwtAlg { none hs256 hs384 hs512 rs256 rs384 rs512 es256 es384 es512 }

type Account { id: ID! name: String! }
type Person implements Node { id: ID! name: String! primaryEmail: String sourceID: String disabled: Boolean! account: Account! }
type Team implements Node { id: ID! name: String! sourceID: String disabled: Boolean! account: Account! }
type Note implements Node { id: ID! text: String! internal: Boolean! createdAt: String! person: Person }
type Task implements Node {
  id: ID! subject: String! status: TaskStatus! category: TaskCategory! instructions: String source: String sourceID: String
  workflow: Workflow member: Person team: Team failureTask: Task createdAt: String! updatedAt: String!
  notes(${PAGE}): NoteConnection!
}
type Workflow implements Node { id: ID! subject: String! status: String! source: String sourceID: String manager: Person createdAt: String! updatedAt: String! tasks(${PAGE}): TaskConnection! notes(${PAGE}): NoteConnection! }
type Request implements Node { id: ID! requestId: String! subject: String! status: RequestStatus! category: String source: String sourceID: String completionReason: String team: Team member: Person requestedFor: Person createdAt: String! updatedAt: String! notes(${PAGE}): NoteConnection! }
type Problem implements Node { id: ID! subject: String! status: ProblemStatus! impact: String source: String sourceID: String team: Team member: Person createdAt: String! updatedAt: String! notes(${PAGE}): NoteConnection! }
type AutomationRuleExpression { name: String! value: String! }
type AutomationRuleAction { name: String! value: String! }
type AutomationRule implements Node { id: ID! name: String! trigger: String! condition: String! actions: [AutomationRuleAction!]! disabled: Boolean! owner: Node expressions: [AutomationRuleExpression!]! }
type WebhookPolicy implements Node { id: ID! name: String! jwtAlg: WebhookPolicyJwtAlg! jwtAudience: String jwtClaimExpiresIn: Int disabled: Boolean! publicKeyPem: String }
type Webhook implements Node { id: ID! name: String! event: WebhookEvent! uri: String! disabled: Boolean! description: String mailExceptionsTo: [String!] lastError: String webhookPolicy: WebhookPolicy createdAt: String! updatedAt: String! }

type NoteConnection { nodes: [Note!]! pageInfo: PageInfo! totalCount: Int! }
type TaskConnection { nodes: [Task!]! pageInfo: PageInfo! totalCount: Int! }
type WorkflowConnection { nodes: [Workflow!]! pageInfo: PageInfo! totalCount: Int! }
type RequestConnection { nodes: [Request!]! pageInfo: PageInfo! totalCount: Int! }
type ProblemConnection { nodes: [Problem!]! pageInfo: PageInfo! totalCount: Int! }
type PersonConnection { nodes: [Person!]! pageInfo: PageInfo! totalCount: Int! }
type TeamConnection { nodes: [Team!]! pageInfo: PageInfo! totalCount: Int! }
type AutomationRuleConnection { nodes: [AutomationRule!]! pageInfo: PageInfo! totalCount: Int! }
type WebhookConnection { nodes: [Webhook!]! pageInfo: PageInfo! totalCount: Int! }
type WebhookPolicyConnection { nodes: [WebhookPolicy!]! pageInfo: PageInfo! totalCount: Int! }

input StringFilter { values: [String!] }
input RecordFilter { status: StringFilter subject: StringFilter sourceID: StringFilter id: StringFilter }

type Query {
  me: Person!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  tasks(${PAGE}, filter: RecordFilter): TaskConnection!
  workflows(${PAGE}, filter: RecordFilter): WorkflowConnection!
  requests(${PAGE}, filter: RecordFilter): RequestConnection!
  problems(${PAGE}, filter: RecordFilter): ProblemConnection!
  people(${PAGE}, filter: RecordFilter): PersonConnection!
  teams(${PAGE}, filter: RecordFilter): TeamConnection!
  automationRules(${PAGE}, filter: RecordFilter): AutomationRuleConnection!
  webhooks(${PAGE}, filter: RecordFilter): WebhookConnection!
  webhookPolicies(${PAGE}, filter: RecordFilter): WebhookPolicyConnection!
}

input WorkflowCreateInput { clientMutationId: String subject: String! managerId: ID note: String source: String sourceID: String }
type WorkflowCreatePayload { clientMutationId: String workflow: Workflow errors: [Error!] }
input TaskCreateInput { clientMutationId: String workflowId: ID! subject: String! category: TaskCategory status: TaskStatus instructions: String note: String memberId: ID teamId: ID source: String sourceID: String }
type TaskCreatePayload { clientMutationId: String task: Task errors: [Error!] }
input AutomationRuleExpressionInput { name: String! value: String! }
input AutomationRuleActionInput { name: String! value: String! }
input AutomationRuleCreateInput { clientMutationId: String name: String! ownerId: ID trigger: String! condition: String! expressions: [AutomationRuleExpressionInput!] actions: [AutomationRuleActionInput!] disabled: Boolean description: String }
type AutomationRuleCreatePayload { clientMutationId: String automationRule: AutomationRule errors: [Error!] }
input RequestCreateInput { clientMutationId: String subject: String! category: String status: RequestStatus note: String internalNote: String requestedForId: ID teamId: ID memberId: ID templateId: ID serviceInstanceId: ID source: String sourceID: String }
type RequestCreatePayload { clientMutationId: String request: Request errors: [Error!] }
input RequestUpdateInput { clientMutationId: String id: ID! subject: String category: String status: RequestStatus note: String internalNote: String completionReason: String teamId: ID memberId: ID source: String sourceID: String }
type RequestUpdatePayload { clientMutationId: String request: Request errors: [Error!] }
input ProblemCreateInput { clientMutationId: String subject: String! impact: String status: ProblemStatus note: String teamId: ID memberId: ID source: String sourceID: String }
type ProblemCreatePayload { clientMutationId: String problem: Problem errors: [Error!] }
input ProblemUpdateInput { clientMutationId: String id: ID! subject: String impact: String status: ProblemStatus note: String teamId: ID memberId: ID source: String sourceID: String }
type ProblemUpdatePayload { clientMutationId: String problem: Problem errors: [Error!] }
input TaskUpdateInput { clientMutationId: String id: ID! subject: String status: TaskStatus note: String memberId: ID teamId: ID instructions: String source: String sourceID: String }
type TaskUpdatePayload { clientMutationId: String task: Task errors: [Error!] }
input NoteCreateInput { clientMutationId: String ownerId: ID! text: String! internal: Boolean suppressNoteAddedNotifications: Boolean }
type NoteCreatePayload { clientMutationId: String note: Note errors: [Error!] }
input WebhookCreateInput { clientMutationId: String event: WebhookEvent! uri: String! name: String description: String disabled: Boolean mailExceptionsTo: [String!] webhookPolicyId: ID }
type WebhookCreatePayload { clientMutationId: String webhook: Webhook errors: [Error!] }
input WebhookPolicyCreateInput { clientMutationId: String jwtAlg: WebhookPolicyJwtAlg! jwtAudience: String jwtClaimExpiresIn: Int disabled: Boolean }
type WebhookPolicyCreatePayload { clientMutationId: String webhookPolicy: WebhookPolicy errors: [Error!] }

type Mutation {
  workflowCreate(input: WorkflowCreateInput!): WorkflowCreatePayload
  taskCreate(input: TaskCreateInput!): TaskCreatePayload
  automationRuleCreate(input: AutomationRuleCreateInput!): AutomationRuleCreatePayload
  requestCreate(input: RequestCreateInput!): RequestCreatePayload
  requestUpdate(input: RequestUpdateInput!): RequestUpdatePayload
  problemCreate(input: ProblemCreateInput!): ProblemCreatePayload
  problemUpdate(input: ProblemUpdateInput!): ProblemUpdatePayload
  taskUpdate(input: TaskUpdateInput!): TaskUpdatePayload
  noteCreate(input: NoteCreateInput!): NoteCreatePayload
  webhookCreate(input: WebhookCreateInput!): WebhookCreatePayload
  webhookPolicyCreate(input: WebhookPolicyCreateInput!): WebhookPolicyCreatePayload
}
`;
