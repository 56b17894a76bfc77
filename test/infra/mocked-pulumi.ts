// Runs the deployment under Pulumi's mocks and records every resource and invoke, with the state the
// mocks gave back (ARNs, names), so tests can check settings and the wiring between resources.
import * as pulumi from '@pulumi/pulumi';

export const MOCK_ACCOUNT_ID = '111111111111';
export const MOCK_REGION = 'eu-west-1';
export const MOCK_ORGANIZATION_ID = 'o-abcdef1234';
export const MOCK_ROOT_ID = 'r-ab12';
export const MOCK_DEFAULT_VPC_ID = 'vpc-0default0000000';
export const MOCK_DEFAULT_SUBNET_IDS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
export const MOCK_IMAGE_DIGEST = `sha256:${'ab'.repeat(32)}`;

export type PlainRecord = Record<string, unknown>;

export interface MockedResource {
  type: string;
  name: string;
  inputs: PlainRecord;
  id: string;
  state: PlainRecord;
  /** The explicit provider's reference (`<urn>::<id>`), when the resource was given one. */
  provider?: string;
}

export interface MockedInvoke {
  token: string;
  inputs: PlainRecord;
}

export interface MockedRun {
  resources: MockedResource[];
  invokes: MockedInvoke[];
}

function mockState(type: string, name: string, inputs: PlainRecord): { id: string; state: PlainRecord } {
  const arnBase = `arn:aws:%s:${MOCK_REGION}:${MOCK_ACCOUNT_ID}`;
  const regional = (service: string, rest: string): string => `${arnBase.replace('%s', service)}:${rest}`;
  switch (type) {
    case 'aws:iam/role:Role': {
      const roleName = typeof inputs.name === 'string' ? inputs.name : `${name}-7f3a`;
      return { id: roleName, state: { name: roleName, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleName}` } };
    }
    case 'aws:s3/bucket:Bucket': {
      const bucket = `${String(inputs.bucketPrefix ?? '')}20260101`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case 'aws:ecs/cluster:Cluster':
      return { id: `${name}-c1`, state: { name: `${name}-c1`, arn: regional('ecs', `cluster/${name}-c1`) } };
    case 'aws:ecs/taskDefinition:TaskDefinition':
      return {
        id: `${String(inputs.family)}`,
        state: { revision: 3, arn: regional('ecs', `task-definition/${String(inputs.family)}:3`) },
      };
    case 'aws:ecr/repository:Repository':
      return {
        id: `${name}-r1`,
        state: {
          name: `${name}-r1`,
          registryId: MOCK_ACCOUNT_ID,
          arn: regional('ecr', `repository/${name}-r1`),
          repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${name}-r1`,
        },
      };
    case 'aws:cloudwatch/logGroup:LogGroup': {
      const logGroupName = `${String(inputs.namePrefix ?? '')}l1`;
      return { id: logGroupName, state: { name: logGroupName, arn: regional('logs', `log-group:${logGroupName}`) } };
    }
    case 'aws:ec2/securityGroup:SecurityGroup':
      return { id: 'sg-0123456789abcdef0', state: { arn: regional('ec2', 'security-group/sg-0123456789abcdef0') } };
    case 'aws:scheduler/schedule:Schedule':
      return { id: `${name}-s1`, state: { name: `${name}-s1`, arn: regional('scheduler', `schedule/default/${name}-s1`) } };
    case 'aws:cloudformation/stackSet:StackSet':
      return { id: String(inputs.name), state: { arn: regional('cloudformation', `stackset/${String(inputs.name)}:1`) } };
    case 'aws:sns/topic:Topic': {
      const topicName = `${String(inputs.namePrefix ?? '')}t1`;
      return { id: regional('sns', topicName), state: { name: topicName, arn: regional('sns', topicName) } };
    }
    case 'aws:sfn/stateMachine:StateMachine':
      return { id: regional('states', `stateMachine:${name}-m1`), state: { name: `${name}-m1`, arn: regional('states', `stateMachine:${name}-m1`) } };
    case 'aws:cloudwatch/eventBus:EventBus':
      return { id: String(inputs.name), state: { name: String(inputs.name), arn: regional('events', `event-bus/${String(inputs.name)}`) } };
    case 'aws:cloudwatch/eventRule:EventRule': {
      const ruleName = typeof inputs.name === 'string' ? inputs.name : `${name}-r1`;
      const bus = typeof inputs.eventBusName === 'string' && inputs.eventBusName !== 'default' ? `${inputs.eventBusName}/` : '';
      return { id: ruleName, state: { name: ruleName, arn: regional('events', `rule/${bus}${ruleName}`) } };
    }
    case 'aws:kms/key:Key':
      return { id: `${name}-k1`, state: { keyId: `${name}-k1`, arn: regional('kms', `key/${name}-k1`) } };
    case 'docker-build:index:Image':
      return { id: `${name}-i1`, state: { digest: MOCK_IMAGE_DIGEST, ref: `${String((inputs.tags as string[])[0])}@${MOCK_IMAGE_DIGEST}` } };
    default:
      return { id: `${name}-id`, state: {} };
  }
}

function mockInvoke(token: string, inputs: PlainRecord): PlainRecord {
  switch (token) {
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/deployer`, userId: 'AIDEXAMPLE', id: MOCK_ACCOUNT_ID };
    case 'aws:index/getRegion:getRegion':
      return { region: MOCK_REGION, name: MOCK_REGION, id: MOCK_REGION, endpoint: `ec2.${MOCK_REGION}.amazonaws.com` };
    case 'aws:organizations/getOrganization:getOrganization':
      return {
        id: MOCK_ORGANIZATION_ID,
        arn: `arn:aws:organizations::${MOCK_ACCOUNT_ID}:organization/${MOCK_ORGANIZATION_ID}`,
        masterAccountId: MOCK_ACCOUNT_ID,
        roots: [{ id: MOCK_ROOT_ID, name: 'Root', arn: `arn:aws:organizations::${MOCK_ACCOUNT_ID}:root/${MOCK_ORGANIZATION_ID}/${MOCK_ROOT_ID}`, policyTypes: [] }],
      };
    case 'aws:ec2/getVpc:getVpc':
      return { id: MOCK_DEFAULT_VPC_ID, default: true, cidrBlock: '172.31.0.0/16' };
    case 'aws:ec2/getSubnets:getSubnets':
      return { id: MOCK_REGION, ids: MOCK_DEFAULT_SUBNET_IDS };
    case 'aws:ec2/getSubnet:getSubnet':
      return { id: String(inputs.id), vpcId: `vpc-of-${String(inputs.id)}` };
    case 'aws:ecr/getAuthorizationToken:getAuthorizationToken':
      return { id: MOCK_REGION, userName: 'AWS', password: 'registry-password', authorizationToken: 'token', proxyEndpoint: 'https://registry' };
    default:
      throw new Error(`the program invoked ${token}, which the test mocks do not answer`);
  }
}

/** Installs fresh mocks; the returned run fills up as the program registers resources. */
export async function installMocks(): Promise<MockedRun> {
  const run: MockedRun = { resources: [], invokes: [] };
  await pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: PlainRecord } {
      const inputs = args.inputs as PlainRecord;
      const { id, state } = mockState(args.type, args.name, inputs);
      const resource = { type: args.type, name: args.name, inputs, id, state: { ...inputs, ...state }, ...(args.provider === undefined || args.provider === '' ? {} : { provider: args.provider }) };
      run.resources.push(resource);
      return { id, state: resource.state };
    },
    call(args: pulumi.runtime.MockCallArgs): PlainRecord {
      const inputs = args.inputs as PlainRecord;
      run.invokes.push({ token: args.token, inputs });
      return mockInvoke(args.token, inputs);
    },
  }, 'iam-audit-kit', 'test', false);
  return run;
}

/** Resolves an Output's value (mocks never leave values unknown). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}

/** Lets outstanding registrations finish: returns once no resource has been added for a while. */
export async function settle(run: MockedRun): Promise<void> {
  let quietTurns = 0;
  let seen = run.resources.length;
  while (quietTurns < 20) {
    await new Promise((resolve) => setImmediate(resolve));
    if (run.resources.length === seen) quietTurns += 1;
    else { seen = run.resources.length; quietTurns = 0; }
  }
}

export function resourcesOfType(run: MockedRun, type: string): MockedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

export function onlyResourceOfType(run: MockedRun, type: string): MockedResource {
  const found = resourcesOfType(run, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

export function resourceNamed(run: MockedRun, type: string, name: string): MockedResource {
  const found = run.resources.find((resource) => resource.type === type && resource.name === name);
  if (found === undefined) throw new Error(`no ${type} named ${name}`);
  return found;
}

const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';

/** The value without Pulumi's secret wrappers, however deeply they are nested. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === 'object') {
    const record = value as PlainRecord;
    if (SECRET_SIGNATURE_KEY in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, unwrapSecrets(item)]));
  }
  return value;
}

/** A JSON-string input (policies, container definitions) as data. */
export function jsonInput<T>(resource: MockedResource, key: string): T {
  const text = unwrapSecrets(resource.inputs[key]);
  if (typeof text !== 'string') throw new Error(`${resource.name}.${key} is not a JSON string`);
  return JSON.parse(text) as T;
}

/** An input as data of the expected shape. */
export function input<T>(resource: MockedResource, key: string): T {
  return unwrapSecrets(resource.inputs[key]) as T;
}

/** A state value the mocks handed back (ARNs, names). */
export function stateOf(resource: MockedResource, key: string): string {
  const value = resource.state[key];
  if (typeof value !== 'string') throw new Error(`${resource.name} has no ${key}`);
  return value;
}
