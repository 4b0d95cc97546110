/**
 * @module triggers/fourme-schemas
 * Built-in output schemas of 4me webhook events, field by field as the Webhooks API document
 * describes them: which keys each event carries and when (`previous_status` only on
 * `*.status-changed`, `note_id` on `*.note-added`, `person_*` null for system events, `callback`
 * for `webhook.verify`, the named expressions for `automation_rule`). For datapills and checks.
 */
const nullable = (type: string, description: string) => ({ type: [type, 'null'], description });
const party = (what: string) => ({
  type: 'object', description: `${what}; present when the record has one`,
  properties: { id: { type: 'integer' }, nodeID: { type: 'string' }, name: { type: 'string' }, sourceID: { type: 'string', description: 'only when set' }, disabled: { type: 'boolean', description: 'only when disabled' }, account: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
});

export function eventSchema(event: string, payloadSchema?: Record<string, unknown>): Record<string, unknown> {
  const kind = event.split('.')[1] ?? event;
  let payload: Record<string, unknown>;
  if (event === 'webhook.verify') {
    payload = { type: 'object', required: ['callback'], properties: { callback: { type: 'string', format: 'uri', description: 'GET it to verify the webhook (valid 24 h); Hookflow does this itself' } } };
  } else if (event === 'automation_rule') {
    payload = { type: 'object', description: 'One key per expression named in the rule action', ...(payloadSchema ?? { additionalProperties: true }) };
  } else if (event.startsWith('time_entry.') || event.startsWith('out_of_office_period.')) {
    payload = { type: 'object', description: 'The full record', additionalProperties: true };
  } else {
    const props: Record<string, unknown> = {
      audit_line_id: { type: 'integer', description: 'only when the event made an audit entry (not for notes)' },
      audit_line_nodeID: { type: 'string' },
      source: { type: 'string', description: 'only when the record has a source' },
      sourceID: { type: 'string', description: 'only when the record has a source ID' },
      status: { type: 'string', description: 'only for records with a status' },
      team: party('The team of the record'),
      member: party('The member of the record'),
    };
    if (kind === 'status-changed') props.previous_status = { type: 'string', description: 'the status before this change' };
    if (kind === 'note-added') { props.note_id = { type: 'integer' }; props.note_nodeID = { type: 'string' }; }
    payload = { type: 'object', properties: props, ...(kind === 'status-changed' ? { required: ['previous_status'] } : {}) };
  }
  return {
    type: 'object', title: `4me ${event}`,
    required: ['webhook_id', 'account', 'name', 'event', 'object_id', 'payload'],
    properties: {
      webhook_id: { type: 'integer' }, webhook_nodeID: { type: 'string' }, account_id: { type: 'string' },
      account: { type: 'string', format: 'uri', description: 'https://<account>.<domain>' }, custom_url: { type: 'string' },
      name: { type: 'string', description: 'the webhook name' }, event: { const: event },
      object_id: { type: 'integer', description: event === 'automation_rule' ? 'the automation rule' : event === 'webhook.verify' ? 'the webhook itself' : 'the record' },
      object_nodeID: { type: 'string' },
      person_id: nullable('integer', 'null for system events'), person_nodeID: nullable('string', 'null for system events'), person_name: nullable('string', 'null for system events'),
      instance_name: { type: 'string' },
      payload,
      headers: { type: 'object' }, links: { type: 'object', properties: { canonical: { type: 'string' }, resource: { type: 'string' }, related: { type: 'string' } } },
      delivery_id: nullable('string', 'X-4me-Delivery / x-xurrent-delivery'), received_at: { type: 'string', format: 'date-time' },
    },
  };
}
