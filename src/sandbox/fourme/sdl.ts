/**
 * @module sandbox/fourme/sdl
 * The emulated 4me GraphQL schema: the records a task-automation recipe touches, in 4me's naming
 * (nodeIDs, connections with `nodes`/`pageInfo`, mutation payloads with `errors{path message}`).
 */
export const SDL = /* GraphQL */ `
interface Node { id: ID! }
type PageInfo { hasNextPage: Boolean! endCursor: String startCursor: String hasPreviousPage: Boolean! }
type Error { path: String message: String! }
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
  workflow: Workflow member: Person team: Team createdAt: String! updatedAt: String!
  notes(first: Int, after: String): NoteConnection!
}
type Workflow implements Node { id: ID! subject: String! status: String! source: String sourceID: String manager: Person createdAt: String! updatedAt: String! tasks(first: Int, after: String): TaskConnection! notes(first: Int, after: String): NoteConnection! }
type Request implements Node { id: ID! requestId: String! subject: String! status: RequestStatus! category: String source: String sourceID: String completionReason: String team: Team member: Person requestedFor: Person createdAt: String! updatedAt: String! notes(first: Int, after: String): NoteConnection! }
type Problem implements Node { id: ID! subject: String! status: String! impact: String source: String sourceID: String team: Team member: Person createdAt: String! updatedAt: String! notes(first: Int, after: String): NoteConnection! }
type AutomationRuleExpression { name: String! value: String! }
type AutomationRule implements Node { id: ID! name: String! trigger: String! condition: String actions: String! disabled: Boolean! owner: Node expressions: [AutomationRuleExpression!]! }
type WebhookPolicy implements Node { id: ID! name: String! jwtAlg: WebhookPolicyJwtAlg! jwtAudience: String jwtClaimExpiresIn: Int disabled: Boolean! publicKeyPem: String }
type Webhook implements Node { id: ID! name: String! event: String! uri: String! disabled: Boolean! description: String mailExceptionsTo: [String!] lastError: String webhookPolicy: WebhookPolicy createdAt: String! updatedAt: String! }

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
  tasks(first: Int, after: String, filter: RecordFilter): TaskConnection!
  workflows(first: Int, after: String, filter: RecordFilter): WorkflowConnection!
  requests(first: Int, after: String, filter: RecordFilter): RequestConnection!
  problems(first: Int, after: String, filter: RecordFilter): ProblemConnection!
  people(first: Int, after: String, filter: RecordFilter): PersonConnection!
  teams(first: Int, after: String, filter: RecordFilter): TeamConnection!
  automationRules(first: Int, after: String, filter: RecordFilter): AutomationRuleConnection!
  webhooks(first: Int, after: String, filter: RecordFilter): WebhookConnection!
  webhookPolicies(first: Int, after: String, filter: RecordFilter): WebhookPolicyConnection!
}

input NewTaskInput { subject: String! category: TaskCategory status: TaskStatus instructions: String memberId: ID teamId: ID }
input WorkflowCreateInput { clientMutationId: String subject: String! managerId: ID source: String sourceID: String newTasks: [NewTaskInput!] }
type WorkflowCreatePayload { clientMutationId: String workflow: Workflow errors: [Error!] }
input ExpressionInput { name: String! value: String! }
input AutomationRuleCreateInput { clientMutationId: String name: String! ownerId: ID! trigger: String! condition: String expressions: [ExpressionInput!] actions: String! disabled: Boolean }
type AutomationRuleCreatePayload { clientMutationId: String automationRule: AutomationRule errors: [Error!] }
input RequestCreateInput { clientMutationId: String subject: String! category: String status: RequestStatus note: String internalNote: String requestedForId: ID teamId: ID memberId: ID templateId: ID serviceInstanceId: ID source: String sourceID: String }
type RequestCreatePayload { clientMutationId: String request: Request errors: [Error!] }
input RequestUpdateInput { clientMutationId: String id: ID! subject: String category: String status: RequestStatus note: String internalNote: String completionReason: String teamId: ID memberId: ID source: String sourceID: String }
type RequestUpdatePayload { clientMutationId: String request: Request errors: [Error!] }
input ProblemCreateInput { clientMutationId: String subject: String! impact: String status: String note: String teamId: ID memberId: ID source: String sourceID: String }
type ProblemCreatePayload { clientMutationId: String problem: Problem errors: [Error!] }
input ProblemUpdateInput { clientMutationId: String id: ID! subject: String impact: String status: String note: String teamId: ID memberId: ID source: String sourceID: String }
type ProblemUpdatePayload { clientMutationId: String problem: Problem errors: [Error!] }
input TaskUpdateInput { clientMutationId: String id: ID! subject: String status: TaskStatus note: String memberId: ID teamId: ID instructions: String source: String sourceID: String }
type TaskUpdatePayload { clientMutationId: String task: Task errors: [Error!] }
input NoteCreateInput { clientMutationId: String ownerId: ID! text: String! internal: Boolean suppressNoteAddedNotifications: Boolean }
type NoteCreatePayload { clientMutationId: String note: Note errors: [Error!] }
input WebhookCreateInput { clientMutationId: String event: String! uri: String! name: String description: String disabled: Boolean mailExceptionsTo: [String!] webhookPolicyId: ID }
type WebhookCreatePayload { clientMutationId: String webhook: Webhook errors: [Error!] }
input WebhookPolicyCreateInput { clientMutationId: String jwtAlg: WebhookPolicyJwtAlg! jwtAudience: String jwtClaimExpiresIn: Int disabled: Boolean }
type WebhookPolicyCreatePayload { clientMutationId: String webhookPolicy: WebhookPolicy errors: [Error!] }

type Mutation {
  workflowCreate(input: WorkflowCreateInput!): WorkflowCreatePayload
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
