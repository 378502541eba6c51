// The managed policies the emulated account can attach: a catalogue of common AWS managed
// policies, customer policies added by tests, and — when `acceptAnyCustomerPolicy` is on — any
// customer policy ARN in the account, except names starting with `does-not-exist` and ARNs a test
// removed, so a test can make one attach fail the way IAM does.

export const AWS_MANAGED_POLICIES: readonly string[] = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'IAMReadOnlyAccess',
  'AmazonS3ReadOnlyAccess',
  'AmazonS3FullAccess',
  'AmazonDynamoDBReadOnlyAccess',
  'AmazonDynamoDBFullAccess',
  'AmazonSQSReadOnlyAccess',
  'AmazonSQSFullAccess',
  'AmazonSNSReadOnlyAccess',
  'AmazonSNSFullAccess',
  'AmazonEC2ReadOnlyAccess',
  'AmazonEC2ContainerRegistryReadOnly',
  'AmazonEC2ContainerRegistryPowerUser',
  'AmazonEKSClusterPolicy',
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonRDSReadOnlyAccess',
  'AmazonRoute53ReadOnlyAccess',
  'AmazonSSMReadOnlyAccess',
  'AmazonSSMManagedInstanceCore',
  'AWSXrayWriteOnlyAccess',
  'CloudWatchAgentServerPolicy',
  'CloudWatchReadOnlyAccess',
  'CloudWatchLogsReadOnlyAccess',
  'SecretsManagerReadWrite',
  'AWSKeyManagementServicePowerUser',
  'service-role/AWSLambdaBasicExecutionRole',
  'service-role/AmazonEBSCSIDriverPolicy',
  'job-function/ViewOnlyAccess',
].map((name) => `arn:aws:iam::aws:policy/${name}`);

const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/(.+)$/;

export function isPolicyArn(arn: string): boolean {
  return POLICY_ARN.test(arn);
}

/** The policy's friendly name: the last segment after its path. */
export function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export class ManagedPolicyCatalogue {
  private readonly known = new Set<string>(AWS_MANAGED_POLICIES);
  private readonly removed = new Set<string>();
  private readonly accountId: string;
  private readonly acceptAnyCustomerPolicy: boolean;

  constructor(accountId: string, acceptAnyCustomerPolicy: boolean) {
    this.accountId = accountId;
    this.acceptAnyCustomerPolicy = acceptAnyCustomerPolicy;
  }

  add(arn: string): void {
    if (!isPolicyArn(arn))
      throw new Error(`addManagedPolicy: ${arn} is not a policy ARN (arn:aws:iam::ACCOUNT:policy/NAME).`);
    this.known.add(arn);
    this.removed.delete(arn);
  }

  remove(arn: string): void {
    this.known.delete(arn);
    this.removed.add(arn);
  }

  /**
   * The policies ListPolicies shows: `AWS` the catalogue of AWS managed policies, `Local` the
   * customer policies added with add() (ARNs accepted only through acceptAnyCustomerPolicy are not
   * listed, as IAM would not know them either), `All` both. Sorted by ARN.
   */
  list(scope: 'All' | 'AWS' | 'Local'): string[] {
    const isAws = (arn: string): boolean => POLICY_ARN.exec(arn)?.[1] === 'aws';
    return [...this.known]
      .filter((arn) => !this.removed.has(arn))
      .filter((arn) => scope === 'All' || (scope === 'AWS') === isAws(arn))
      .sort();
  }

  exists(arn: string): boolean {
    if (this.removed.has(arn)) return false;
    if (this.known.has(arn)) return true;
    const match = POLICY_ARN.exec(arn);
    if (!match || !this.acceptAnyCustomerPolicy || match[1] !== this.accountId) return false;
    return !policyName(arn).startsWith('does-not-exist');
  }
}
