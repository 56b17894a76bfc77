// Calls policies the way the policy SDK's analyzer does: props behind the SDK's unknown-checking
// proxy, unknown values as the engine's wire sentinel, config through getConfig, violations
// collected from reportViolation, and an UnknownValueError meaning "skipped during preview".
import * as policySdk from '@pulumi/policy';
import {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { unknownValue } from '@pulumi/pulumi/runtime/rpc';
import { isUnknownValueError } from '../../policy-pack/known-value';

/** What the engine sends for a value not known during preview. */
export const UNKNOWN = unknownValue;

const unknownCheckingProxy: <T extends object>(props: T) => T = policySdk.unknownCheckingProxy;

export interface PolicyOutcome {
  violations: { message: string; urn?: string }[];
  /** Set when the policy skipped (part of) its check because a value is unknown during preview. */
  skippedBecauseUnknown?: string;
}

export const STACK_URN_PREFIX = 'urn:pulumi:dev::guardrails-test::';

export function urnOf(type: string, name: string): string {
  return `${STACK_URN_PREFIX}${type}::${name}`;
}

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason ?? ''}`);
}

export function resourceArgs(type: string, name: string, props: Record<string, unknown>, config: object = {}): ResourceValidationArgs {
  return {
    type,
    name,
    urn: urnOf(type, name),
    props: unknownCheckingProxy({ ...props }),
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

export interface StackResourceSpec {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** Property name → names of the resources (in the same stack) the property's value comes from. */
  dependsOn?: Record<string, string[]>;
}

export function stackArgs(specs: StackResourceSpec[], config: object = {}): StackValidationArgs {
  const resources: PolicyResource[] = specs.map((spec) => ({
    type: spec.type,
    name: spec.name,
    urn: urnOf(spec.type, spec.name),
    props: unknownCheckingProxy({ ...spec.props }),
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  specs.forEach((spec, index) => {
    for (const [property, names] of Object.entries(spec.dependsOn ?? {})) {
      const dependencies = names.map((name) => {
        const found = resources.find((resource) => resource.name === name);
        if (!found) throw new Error(`test setup: ${spec.name} depends on missing resource ${name}`);
        return found;
      });
      resources[index].propertyDependencies[property] = dependencies;
      resources[index].dependencies.push(...dependencies);
    }
  });
  return { resources, stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable };
}

async function collect(run: (reportViolation: ReportViolation) => Promise<void> | void): Promise<PolicyOutcome> {
  const outcome: PolicyOutcome = { violations: [] };
  try {
    await run((message, urn) => outcome.violations.push({ message, urn }));
  } catch (error) {
    if (!isUnknownValueError(error)) throw error;
    outcome.skippedBecauseUnknown = error.message;
  }
  return outcome;
}

export function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<PolicyOutcome> {
  const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  return collect(async (reportViolation) => {
    for (const validation of validations) await validation(args, reportViolation);
  });
}

export function runStackPolicy(policy: StackValidationPolicy, args: StackValidationArgs): Promise<PolicyOutcome> {
  return collect((reportViolation) => policy.validateStack(args, reportViolation));
}

/** The AWS-documented "deny everything but MFA setup without MFA" statement. */
export const MFA_DENY_STATEMENT = {
  Sid: 'DenyAllExceptListedIfNoMFA',
  Effect: 'Deny',
  NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:GetUser', 'iam:ListMFADevices', 'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken'],
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
};

export const MFA_DENY_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [MFA_DENY_STATEMENT] });
