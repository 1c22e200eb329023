import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import dagre from '@dagrejs/dagre';
import type { Entity } from '../lib/api';
import { displayName, entityPath, humanRef, parseRef, refOf } from '../lib/refs';
import { orient } from './relationTypes';
import { EndLabelEdge, type EndLabelEdgeData } from './EndLabelEdge';

/**
 * Relations (seen from the entity) whose target is laid out left of it: what it belongs to and
 * who calls it. Everything else (what it needs, what it contains) goes right.
 */
const LEFT = new Set(['providesApi', 'apiConsumedBy', 'dependencyOf', 'partOf', 'ownedBy', 'memberOf', 'childOf']);

const NODE_W = 210;
const NODE_H = 64;
const MAX_PER_TYPE = 8;

type EntityNodeData = { ref: string; kind: string; label: string; sub?: string; center: boolean; missing: boolean };

function EntityNode({ data }: NodeProps<Node<EntityNodeData>>) {
  return (
    <div className={`graph-node gk-${data.kind}${data.center && data.kind !== 'more' ? ' center' : ''}${data.missing ? ' missing' : ''}`} title={data.missing ? 'Not in the catalog' : undefined}>
      <Handle id="lt" type="target" position={Position.Left} isConnectable={false} />
      <Handle id="ls" type="source" position={Position.Left} isConnectable={false} />
      <span className="graph-node-kind">{data.kind}</span>
      {data.center ? (
        <span className="graph-node-label">{data.label}</span>
      ) : (
        <Link className="graph-node-label" to={entityPath(data.ref)} onClick={(e) => e.stopPropagation()}>
          {data.label}
        </Link>
      )}
      {data.sub ? <span className="graph-node-sub">{data.sub}</span> : null}
      <Handle id="rs" type="source" position={Position.Right} isConnectable={false} />
      <Handle id="rt" type="target" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { entity: EntityNode };
const edgeTypes = { endLabel: EndLabelEdge };

/** An edge from the centre to a neighbour (either way), labelled at the neighbour's end. */
function relationEdge(id: string, source: string, target: string, label: string, center: string, className: string): Edge<EndLabelEdgeData> {
  const neighbour = source === center ? target : source;
  return {
    id,
    source,
    target,
    type: 'endLabel',
    data: { label, labelAt: neighbour === target ? 'target' : 'source', names: neighbour },
    markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
    className,
  };
}

/**
 * The entity and its direct neighbours, laid out in layers (dagre's Sugiyama layout):
 * every relation is drawn in its forward direction (consumer → API, component → dependency,
 * entity → owner), so callers sit left of the entity and what it needs sits right.
 */
export default function RelationsGraph({ entity, related }: { entity: Entity; related?: Map<string, Entity> }) {
  const navigate = useNavigate();

  const { nodes, edges, height } = useMemo(() => {
    const center = refOf(entity);
    const nodeMap = new Map<string, Node<EntityNodeData>>();
    const addNode = (ref: string, e?: Entity, isCenter = false) => {
      if (nodeMap.has(ref)) return;
      const r = parseRef(ref);
      nodeMap.set(ref, {
        id: ref,
        type: 'entity',
        position: { x: 0, y: 0 },
        data: {
          ref,
          kind: r.kind,
          label: e ? displayName(e) : humanRef(ref),
          sub: e && typeof e.spec?.type === 'string' ? e.spec.type : undefined,
          center: isCenter,
          missing: !isCenter && related !== undefined && !e,
        },
      });
    };
    addNode(center, entity, true);
    const edgeMap = new Map<string, Edge<EndLabelEdgeData>>();
    const left = new Set<string>();
    for (const rel of entity.relations ?? []) {
      if (LEFT.has(rel.type)) left.add(rel.targetRef.toLowerCase());
    }
    // Large fan-outs (a team owning 40 things) are cut to the first few of each relation type,
    // with one summary node for the rest: the lists on the page name them all.
    const perType = new Map<string, number>();
    const hidden = new Map<string, number>();
    for (const rel of entity.relations ?? []) {
      const target = rel.targetRef.toLowerCase();
      if (target === center) continue;
      const seen = perType.get(rel.type) ?? 0;
      perType.set(rel.type, seen + 1);
      if (seen >= MAX_PER_TYPE && !nodeMap.has(target)) {
        hidden.set(rel.type, (hidden.get(rel.type) ?? 0) + 1);
        continue;
      }
      addNode(target, related?.get(target));
      const o = orient(rel.type);
      const [source, dest] = o.forward ? [center, target] : [target, center];
      const id = `${source}|${o.label}|${dest}`;
      if (edgeMap.has(id)) continue;
      edgeMap.set(id, relationEdge(id, source, dest, o.label, center, `edge-${o.label}`));
    }
    for (const [type, count] of hidden) {
      const id = `more:${type}`;
      const o = orient(type);
      nodeMap.set(id, { id, type: 'entity', position: { x: 0, y: 0 }, data: { ref: id, kind: 'more', label: `+${count} more`, sub: type, center: true, missing: false } });
      if (LEFT.has(type)) left.add(id);
      const [source, dest] = o.forward ? [center, id] : [id, center];
      edgeMap.set(id, relationEdge(id, source, dest, o.label, center, 'edge-more'));
    }
    const g = new dagre.graphlib.Graph();
    // Layers far enough apart that a label fits between a node and the trunk edges share mid-way.
    g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 180, marginx: 16, marginy: 16 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of nodeMap.values()) g.setNode(n.id, { width: NODE_W, height: NODE_H });
    for (const n of nodeMap.keys()) {
      if (n === center) continue;
      if (left.has(n)) g.setEdge(n, center);
      else g.setEdge(center, n);
    }
    dagre.layout(g);
    let maxY = 0;
    const nodes = [...nodeMap.values()].map((n) => {
      const p = g.node(n.id);
      maxY = Math.max(maxY, p.y + NODE_H / 2);
      return { ...n, position: { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2 }, draggable: false, connectable: false };
    });
    // Arrows keep their meaning; the handles follow where the layout put each end.
    const x = new Map(nodes.map((n) => [n.id, n.position.x]));
    const edges = [...edgeMap.values()].map((e) =>
      (x.get(e.source) ?? 0) <= (x.get(e.target) ?? 0) ? { ...e, sourceHandle: 'rs', targetHandle: 'lt' } : { ...e, sourceHandle: 'ls', targetHandle: 'rt' },
    );
    return { nodes, edges, height: Math.min(Math.max(maxY + 40, 200), 900) };
  }, [entity, related]);

  return (
    <div className="graph" style={{ height }} data-testid="relations-graph" data-nodes={nodes.length} data-edges={edges.length}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.2}
        maxZoom={2}
        nodesFocusable={false}
        nodesConnectable={false}
        nodesDraggable={false}
        edgesFocusable={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, n) => {
          if (!n.data.center && n.data.kind !== 'more') navigate(entityPath(n.id));
        }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
