/**
 * A task's place in the permission model, as Backstage's `scaffolder-task` resource with its
 * `isTaskOwner` rule: a resource of kind `task`, ref `task:<namespace>/<id>`, in its template's
 * namespace, owned by its creator (a User or a service; nobody for a task made while authorization was
 * off). So `role:owner` rules give the creator its tasks, and others read or cancel one only where a rule
 * allows them that task. Pure: no I/O.
 */
import { parseEntityRef } from '../../core/entity-ref.js';
import type { ResourceFacts } from '../../auth/policy.js';
import type { TaskSummary } from './task-types.js';

/**
 * @example taskResource({ id: '0190…', templateRef: 'template:default/service', createdBy: 'user:default/jane', … })
 *   // { ref: 'task:default/0190…', kind: 'task', namespace: 'default', owners: ['user:default/jane'] }
 */
export function taskResource(task: Pick<TaskSummary, 'id' | 'templateRef' | 'createdBy'>): ResourceFacts {
  const namespace = parseEntityRef(task.templateRef).namespace.toLocaleLowerCase('en-US');
  return { ref: `task:${namespace}/${task.id.toLocaleLowerCase('en-US')}`, kind: 'task', namespace, owners: task.createdBy ? [task.createdBy] : [] };
}
