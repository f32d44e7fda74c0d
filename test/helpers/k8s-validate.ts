/**
 * Validates Kubernetes objects against their API schemas with kubernetes-models. Run as a child process
 * (`node dist/test/helpers/k8s-validate.js` with a JSON array of objects on stdin): the models are ES
 * modules, which Jest's CommonJS sandbox cannot import. Prints one JSON array of { kind, name, error? }.
 */
const MODULES: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
};

interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

async function validate(object: K8sObject): Promise<{ kind: string; name: string; error?: string }> {
  const kind = String(object.kind);
  const name = String(object.metadata?.name);
  const base = MODULES[String(object.apiVersion)];
  if (!base) return { kind, name, error: `no schema for apiVersion ${object.apiVersion}` };
  const module = (await import(`${base}/${kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[kind];
  if (!Model) return { kind, name, error: `no model for ${object.apiVersion} ${kind}` };
  try {
    new Model(object).validate();
    return { kind, name };
  } catch (err) {
    return { kind, name, error: (err as Error).message };
  }
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const objects = JSON.parse(Buffer.concat(chunks).toString('utf8')) as K8sObject[];
  process.stdout.write(JSON.stringify(await Promise.all(objects.map(validate))));
}

void main();
