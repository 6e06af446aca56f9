/** The terminal's size, following resizes (Ink's `useWindowSize`), unless a fixed size is given (tests). */
import { useWindowSize } from 'ink';

export interface Viewport {
  columns: number;
  rows: number;
}

export function useViewport(fixed?: Viewport): Viewport {
  const size = useWindowSize();
  return fixed ?? { columns: size.columns, rows: size.rows };
}
