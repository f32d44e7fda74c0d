export { Authenticator, ANONYMOUS } from './authenticator';
export type { Caller, CredentialHeaders } from './authenticator';
export { TenantGuard } from './tenant-guard';
