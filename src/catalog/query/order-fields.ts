import { badRequest } from '../../core/problem.js';

export interface OrderField {
  field: string;
  order: 'asc' | 'desc';
}

/** Parses `orderField=metadata.name,asc` (by-query) values. */
export function parseOrderFields(params: string | string[] | undefined): OrderField[] {
  const list = params === undefined ? [] : Array.isArray(params) ? params : [params];
  return list.map((param, index) => {
    const [field, order = 'asc', ...rest] = param.split(',').map(p => p.trim());
    if (!field || rest.length || (order !== 'asc' && order !== 'desc')) {
      throw badRequest(`Invalid orderField "${param}": expected <field>,asc or <field>,desc`, [
        { pointer: `/orderField/${index}`, detail: 'must be <field>,asc or <field>,desc' },
      ]);
    }
    return { field: field.toLocaleLowerCase('en-US'), order };
  });
}

/** Parses `order=asc:metadata.name` (GET /entities) values. */
export function parseOrderParams(params: string | string[] | undefined): OrderField[] {
  const list = params === undefined ? [] : Array.isArray(params) ? params : [params];
  return list.map((param, index) => {
    const colon = param.indexOf(':');
    const order = param.slice(0, colon);
    const field = param.slice(colon + 1).trim();
    if (colon === -1 || !field || (order !== 'asc' && order !== 'desc')) {
      throw badRequest(`Invalid order "${param}": expected asc:<field> or desc:<field>`, [
        { pointer: `/order/${index}`, detail: 'must be asc:<field> or desc:<field>' },
      ]);
    }
    return { field: field.toLocaleLowerCase('en-US'), order };
  });
}
