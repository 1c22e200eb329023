import { Parser, Composer, CST, stringify } from 'yaml';
const src = `metadata:
  name: x # n
  tags: [a, b]
spec:
  type: service
`;
const tokens = [...new Parser().parse(src)];
const docs = [...new Composer({ keepSourceTokens: true }).compose(tokens)];
const d = docs[0];
const n = d.getIn(['metadata','name'], true);
CST.setScalarValue(n.srcToken, 'y: z');
const snippet = stringify({ owner: { a: [1, 2] } }).split('\n').map(l => l ? '  ' + l : l).join('\n');
const st = [...new Parser().parse(snippet)];
console.log(JSON.stringify(st[0]).slice(0, 600));
const item = st[0].value.items[0];
const spec = d.getIn(['spec'], true).srcToken;
spec.items.push(item);
console.log(tokens.map(t => CST.stringify(t)).join(''));
