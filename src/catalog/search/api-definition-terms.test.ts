import { describe, expect, it } from 'vitest';
import { ApiDefinitionTermsMemo, apiDefinitionTerms } from './api-definition-terms.js';

describe('apiDefinitionTerms', () => {
  it('reads OpenAPI paths, operation ids and schema names', () => {
    const openapi = 'openapi: 3.0.0\npaths:\n  /payments/{id}/capture:\n    post: { operationId: capturePayment }\ncomponents:\n  schemas:\n    Payment: { type: object }\n';
    expect(apiDefinitionTerms('openapi', openapi).sort()).toEqual(['/payments/{id}/capture', 'Payment', 'capturePayment']);
  });

  it('reads AsyncAPI 2 and 3 channels, operations and messages', () => {
    const v2 = 'asyncapi: 2.6.0\nchannels:\n  orders/placed:\n    publish: { operationId: publishOrderPlaced }\n';
    expect(apiDefinitionTerms('asyncapi', v2).sort()).toEqual(['orders/placed', 'publishOrderPlaced']);
    const v3 = 'asyncapi: 3.0.0\nchannels:\n  orderPlaced:\n    address: orders.placed\n    messages: { OrderPlaced: {} }\noperations:\n  sendOrderPlaced: { action: send }\n';
    expect(apiDefinitionTerms('asyncapi', v3).sort()).toEqual(['OrderPlaced', 'orderPlaced', 'orders.placed', 'sendOrderPlaced']);
  });

  it('reads GraphQL and gRPC names from the text, and nothing from what does not parse', () => {
    expect(apiDefinitionTerms('graphql', 'type Query {\n  recipe(id: ID!): Recipe\n}\nenum Diet { VEGAN }')).toEqual(['Query', 'recipe', 'Diet']);
    expect(apiDefinitionTerms('grpc', 'service Ledger { rpc PostEntry (Entry) returns (Ack); }\nmessage Entry {}')).toEqual(['Ledger', 'PostEntry', 'Entry']);
    expect(apiDefinitionTerms('openapi', 'paths: [unclosed')).toEqual([]);
  });

  it('reads a definition as yaml does where the fast parser leaves it to yaml, and nothing from what yaml refuses', () => {
    // Aliases, tags and YAML 1.1 are yaml's: the aliased operation is read through its alias.
    const aliased = 'paths:\n  /a: &op\n    get: { operationId: getThing }\n  /b: *op\ncomponents:\n  schemas: { Thing: !!map {} }\n';
    expect(apiDefinitionTerms('openapi', aliased).sort()).toEqual(['/a', '/b', 'Thing', 'getThing']);
    expect(apiDefinitionTerms('openapi', '{"paths": {"/json": {"get": {"operationId": "fromJson"}}}}')).toEqual(['/json', 'fromJson']);
    // yaml's parse refuses a duplicate key and a second document.
    expect(apiDefinitionTerms('openapi', 'paths:\n  /a: {}\n  /a: {}\n')).toEqual([]);
    expect(apiDefinitionTerms('openapi', 'paths:\n  /a: {}\n---\npaths:\n  /b: {}\n')).toEqual([]);
  });
});

describe('ApiDefinitionTermsMemo', () => {
  it('gives what apiDefinitionTerms gives, worked out once per type and text', () => {
    const memo = new ApiDefinitionTermsMemo();
    const openapi = 'paths:\n  /orders:\n    get: { operationId: listOrders }\n';
    const first = memo.of('openapi', openapi);
    expect(first).toEqual(apiDefinitionTerms('openapi', openapi));
    expect(memo.of('openapi', `${openapi}`)).toBe(first);
    // The same text as another type is read as that type.
    expect(memo.of('graphql', openapi)).toEqual(apiDefinitionTerms('graphql', openapi));
  });
});
