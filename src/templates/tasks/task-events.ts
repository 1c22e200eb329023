/**
 * The events a golden-path task appends to the event log (types declared in `templates/module.ts`): which task,
 * from which template, made by whom — never its parameter values, secrets or outputs. Pure: no I/O.
 */
import type { NewEvent } from '../../store/event-log.js';
import { taskResource } from './task-resource.js';
import type { TaskSummary } from './task-types.js';

/**
 * An event about a task, whose subject is the task's ref in the permission model (`task:<namespace>/<id>`).
 * `owner` is its creator, as the permission model owns a task, so webhook filters on owners work.
 * @example taskEvent('templates.task.step-finished', task, { step: 'publish', status: 'completed' })
 */
export function taskEvent(type: string, task: Pick<TaskSummary, 'id' | 'templateRef' | 'createdBy'>, payload: Record<string, unknown> = {}, actor?: string): NewEvent {
  const resource = taskResource(task);
  return {
    type,
    subject: resource.ref,
    ...(actor ? { actor } : {}),
    payload: {
      kind: 'task',
      namespace: resource.namespace,
      task: task.id,
      template: task.templateRef,
      ...(task.createdBy ? { creator: task.createdBy, owner: task.createdBy } : {}),
      ...payload,
    },
  };
}
