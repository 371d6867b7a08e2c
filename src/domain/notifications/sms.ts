export const SMS_MAX_LENGTH = 160;
const ELLIPSIS = '...';

// The rule lives with the other address rules; re-exported for the modules that import it from here.
export { isE164 } from '../phone-numbers';

/**
 * The text of an SMS: whitespace collapsed (templates are written across several lines) and cut to
 * SMS_MAX_LENGTH. Length is counted in code points, so a cut never leaves half a surrogate pair.
 */
export function smsBody(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  const codePoints = Array.from(collapsed);
  if (codePoints.length <= SMS_MAX_LENGTH) return collapsed;
  return codePoints.slice(0, SMS_MAX_LENGTH - ELLIPSIS.length).join('') + ELLIPSIS;
}
