import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors';

/**
 * DNS-rebinding and cross-site protection. A page on evil.example can make its name resolve to 127.0.0.1
 * and then call a service on this machine from the user's browser: the request arrives with
 * `Host: evil.example:3000` (and that Origin). Bound to a loopback address, the service therefore answers
 * only requests whose Host is a name of this machine (or one the operator listed) and whose Origin, when a
 * browser sends one, is too. Bound elsewhere, authentication is required anyway and the check applies only
 * to hosts and origins the operator listed, and not to the probe and metrics routes.
 */
export interface HostGuardSettings {
  /** The address the server is bound to. */
  bindHost: string;
  /** Extra Host values (`name` or `name:port`). */
  allowedHosts: readonly string[];
  /** Extra origins (`scheme://name[:port]`). */
  allowedOrigins: readonly string[];
}

/** Answers a refused request's error, or undefined when the request may go on. */
export type HostGuard = (headers: IncomingHttpHeaders, url: string | undefined) => GatewayError | undefined;

/** Probes and scrapes, which a public bind answers whatever Host they use (a kubelet sends the pod's IP). */
const OPS_PATH = /^\/(?:health|ready|metrics)(?:[?#]|$)/;

const LOOPBACK_ADDRESS = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/;

/** An address (or `localhost`) that only this machine can reach: what binding without authentication needs. */
export function isLoopbackAddress(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_ADDRESS.test(name) || name === 'localhost';
}

/** A name that can only mean this machine: a loopback address, localhost, or a *.localhost name (RFC 6761). */
function isLoopbackName(name: string): boolean {
  return isLoopbackAddress(name) || name.toLowerCase().endsWith('.localhost');
}

/** The name part of a Host header value (`name:port`, `[v6]:port`). */
function hostName(value: string): string {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

export function createHostGuard(settings: HostGuardSettings): HostGuard | undefined {
  const loopbackOnly = isLoopbackAddress(settings.bindHost);
  if (!loopbackOnly && settings.allowedHosts.length === 0 && settings.allowedOrigins.length === 0) return undefined;
  const hosts = new Set(settings.allowedHosts.map((h) => h.toLowerCase()));
  const origins = new Set(settings.allowedOrigins.map((o) => o.toLowerCase().replace(/\/$/, '')));
  const checkHosts = loopbackOnly || hosts.size > 0;
  const checkOrigins = loopbackOnly || origins.size > 0;

  const hostAllowed = (value: string): boolean => {
    const host = value.toLowerCase();
    return hosts.has(host) || hosts.has(hostName(host)) || isLoopbackName(hostName(host));
  };
  const originAllowed = (value: string): boolean => {
    const origin = value.toLowerCase();
    if (origins.has(origin)) return true;
    try {
      return isLoopbackName(new URL(origin).hostname);
    } catch {
      return false;
    }
  };

  return (headers, url) => {
    if (!loopbackOnly && url !== undefined && OPS_PATH.test(url)) return undefined;
    if (checkHosts) {
      const host = headers.host;
      if (host === undefined || !hostAllowed(host)) {
        return new GatewayError('HOST_NOT_ALLOWED', `Host ${JSON.stringify(host ?? '')} is not a name of this service; add it to server.allowedHosts (SCRIPTGATE_SERVER_ALLOWED_HOSTS) if it is one`);
      }
    }
    const origin = headers.origin;
    if (checkOrigins && origin !== undefined && !originAllowed(origin)) {
      return new GatewayError('ORIGIN_NOT_ALLOWED', `Origin ${JSON.stringify(origin)} may not call this service; add it to server.allowedOrigins (SCRIPTGATE_SERVER_ALLOWED_ORIGINS) if it should`);
    }
    return undefined;
  };
}
