// Renders a Redis Deployment and Service. A step is a pure function of its input: it gets
// { request, revision, observed, context } and returns { files, outputs, message }.
const UNITS = { Mi: 1024 ** 2, Gi: 1024 ** 3 };

export default function redis({ request, revision }, { log }) {
  const { name, namespace: team } = request.metadata;
  const { memory, version, evictionPolicy } = request.spec;
  const namespace = request.spec.namespace ?? team;
  const [, amount, unit] = /^(\d+)(Mi|Gi)$/.exec(memory);
  const maxmemory = Math.floor(Number(amount) * UNITS[unit] * 0.8);
  log(`maxmemory ${maxmemory} bytes (80 % of ${memory})`);
  const labels = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'pave', 'pave.dev/team': team };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, annotations: { 'pave.dev/capability': `${revision.name}@${revision.version}` } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'redis',
              image: `redis:${version}`,
              args: ['--maxmemory', String(maxmemory), '--maxmemory-policy', evictionPolicy, '--save', ''],
              ports: [{ name: 'redis', containerPort: 6379 }],
              resources: { requests: { memory, cpu: '100m' }, limits: { memory } },
              readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: { selector: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name }, ports: [{ name: 'redis', port: 6379, targetPort: 'redis' }] },
  };
  return {
    files: [
      { path: 'deployment.yaml', content: deployment },
      { path: 'service.yaml', content: service },
    ],
    outputs: { host: `${name}.${namespace}.svc.cluster.local`, port: 6379 },
    message: `Redis ${version} with ${memory} (${evictionPolicy})`,
  };
}
