export { Authenticator, ANONYMOUS, DEFAULT_TENANT } from './authenticator';
export type { Caller, CredentialHeaders } from './authenticator';
export { TenantGuard } from './tenant-guard';
export type { TenantView } from './tenant-guard';
