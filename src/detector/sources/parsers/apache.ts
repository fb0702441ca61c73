import { parseClfLine } from './clf.js';
import { fail, precheck } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';

/** Apache `combined` (`%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"`) and `common`. */
export function apacheParser(maxLineLength?: number): LineParser {
  return {
    format: 'apache',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      return parseClfLine(checked.line, ctx);
    },
  };
}
