// Every component of this program is typed `iam-audit-kit:<module>:<Name>`, as pulumi-awsx types its
// own (`awsx:ecs:FargateService`): the module is the part of the deployment the component belongs to.
// A type is part of each resource's URN, so changing one replaces what is under it.

/** The parts of the deployment, one module each. */
export type ComponentModule = 'auditRole' | 'reports' | 'notifications' | 'auditor' | 'guardrails' | 'alerts';

export const COMPONENT_PACKAGE = 'iam-audit-kit';

export function componentType(module: ComponentModule, name: string): string {
  return `${COMPONENT_PACKAGE}:${module}:${name}`;
}
