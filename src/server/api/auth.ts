/**
 * @module server/api/auth
 * Bearer tokens that belong to users; each route names the least role it needs.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { roleAllows, type Principal, type Role } from '../../services/users.js';
import { sessionToken } from '../ui/session.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    role?: Role;
  }
}

export function bearerAuth(rt: Runtime) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    // The browser UI's session cookie is the alternative to a bearer token (CSRF-checked there).
    const token = m ? m[1]! : h ? undefined : sessionToken(rt, req);
    const p = token ? await rt.users.authenticate(token) : null;
    if (!p) throw new HookflowError('HF_ERR_UNAUTHENTICATED');
    const need = req.routeOptions.config.role ?? 'admin';
    if (!roleAllows(p.role, need)) throw new HookflowError('HF_ERR_FORBIDDEN', { role: p.role, action: `${req.method} ${req.routeOptions.url}` });
    req.principal = p;
  };
}
