import { IAMClient } from '@aws-sdk/client-iam';
import { applyPlan } from '../../src/apply/executor.js';
import { IamEmulator } from '../../sandbox/iam/index.js';
import { desiredProvider, desiredRole, planOf, providerChange, roleChange } from './fixtures.js';

test('exp', async () => {
  const emulator = new IamEmulator();
  const endpoint = await emulator.start();
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, retryMode: 'adaptive', maxAttempts: 12 });
  emulator.server.setFaults({ throttleRate: 0.3, errorRate: 0.05, dropRate: 0.03, seed: 7 });
  const changes = [providerChange('create', null, desiredProvider()), ...Array.from({ length: 200 }, (_, i) => roleChange('create', null, desiredRole(`r${i}`, { managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], inlinePolicies: { p: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } } })))];
  const t = Date.now();
  const report = await applyPlan(planOf(changes), { iam, kube: new Map() }, { maxConcurrency: Number(process.env.CONC ?? 16) });
  console.log(Date.now() - t, report.summary, report.changes.filter((c) => c.status === 'failed').slice(0, 3).map((c) => c.error), emulator.server.injected(), emulator.server.totalCalls());
  iam.destroy();
  await emulator.stop();
}, 120000);
