/**
 * @module server/api/schemas
 * JSON Schemas shared by the routes; they also feed the OpenAPI document.
 */
export const anyObject = { type: 'object', additionalProperties: true } as const;
export const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } },
} as const;
export const nameParam = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;
export const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

export const recipeSummary = {
  type: 'object',
  properties: {
    name: { type: 'string' }, version: { type: 'integer' }, enabled: { type: 'boolean' }, trigger_type: { type: 'string' },
    trigger_url: { type: ['string', 'null'] }, created_at: { type: 'string' }, updated_at: { type: 'string' }, changed: { type: 'boolean' },
    published: { type: 'boolean', description: 'false while the recipe has only a draft (version 0)' },
    draft: { type: ['object', 'null'], description: 'The unpublished draft, if any', properties: { updated_at: { type: 'string' }, hash: { type: 'string' } } },
  },
} as const;

const jobCore = {
  id: { type: 'string' }, number: { type: 'integer' }, recipe: { type: 'string' }, recipe_version: { type: 'integer' },
  test: { type: 'boolean', description: 'A test run of a draft: recipe_version is its snapshot, a negative number' },
  status: { type: 'string', enum: ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'] },
  title: { type: ['string', 'null'] }, trigger: {}, error: {}, repeat_of: { type: ['string', 'null'] }, created_at: { type: 'string' },
  started_at: { type: ['string', 'null'] }, finished_at: { type: ['string', 'null'] },
};

export const jobSummary = { type: 'object', properties: jobCore } as const;
/** The jobs list's filters (services/job-search.ts), also the body of a bulk action. */
export const jobFilterProps = {
  recipe: { type: 'string' },
  status: { type: 'array', items: { type: 'string' }, description: 'One or several statuses (repeat the parameter, or separate by commas).' },
  q: { type: 'string', maxLength: 500, description: 'Text contained in the trigger data (its stored JSON text), any case.' },
  filter: { type: 'string', maxLength: 2000, description: 'JSONata over `trigger` (and `job`), e.g. `trigger.body.amount > 100`.' },
  number: { type: 'integer', minimum: 1 }, id: { type: 'string' },
  from: { type: 'string', description: 'Created at or after (ISO 8601).' }, to: { type: 'string', description: 'Created at or before (ISO 8601).' },
} as const;
const jobRef = { type: 'object', properties: { id: { type: 'string' }, number: { type: 'integer' }, status: { type: 'string' } } };
const jobLink = { id: { type: 'string' }, number: { type: 'integer' }, recipe: { type: 'string' }, status: { type: 'string' }, step: { type: ['string', 'null'] } };
export const jobDetail = {
  type: 'object',
  properties: {
    ...jobCore,
    // Callable recipes: the job whose recipe.call step started this one, the jobs this one started, its result.
    parent: { anyOf: [{ type: 'object', properties: jobLink }, { type: 'null' }] },
    children: { type: 'array', items: { type: 'object', properties: jobLink } },
    repeat_of_job: { anyOf: [jobRef, { type: 'null' }] },
    repeats: { type: 'array', items: jobRef },
    result: {},
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, status: { type: 'string' }, attempts: { type: 'integer' }, input: {}, output: {}, error: {},
          idempotency_key: { type: 'string' }, started_at: { type: ['string', 'null'] }, finished_at: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

export const connectionView = {
  type: 'object',
  properties: {
    name: { type: 'string' }, type: { type: 'string' }, config: anyObject, secret_fields: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string' }, updated_at: { type: 'string' },
  },
} as const;
