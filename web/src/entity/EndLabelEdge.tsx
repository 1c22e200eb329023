import { BaseEdge, EdgeLabelRenderer, Position, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react';

/** How far from the node its label's centre sits: inside the edge's own last (or first) stretch. */
const LABEL_OFFSET = 46;

export type EndLabelEdgeData = { label: string; labelAt: 'source' | 'target'; names: string };

/**
 * A step edge whose label sits next to the node it names, on the stretch only this edge draws: edges that
 * leave or enter the same node share their trunk, so a label in the middle would sit beside edges it does not name.
 */
export function EndLabelEdge(props: EdgeProps<Edge<EndLabelEdgeData>>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, data } = props;
  const [path] = getSmoothStepPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const atTarget = data?.labelAt === 'target';
  const [x, y, side] = atTarget ? [targetX, targetY, targetPosition] : [sourceX, sourceY, sourcePosition];
  const labelX = x + (side === Position.Left ? -LABEL_OFFSET : LABEL_OFFSET);
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={markerEnd} />
      {data ? (
        <EdgeLabelRenderer>
          <div className="graph-edge-label" data-label-for={data.names} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${y}px)` }}>
            {data.label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}
