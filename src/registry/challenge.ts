/**
 * `WWW-Authenticate` challenges (RFC 7235 as registries send them):
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="…"` or
 * `Basic realm="…"`. Pure.
 * @module
 */

/** One challenge: its scheme (lower case) and parameters (names lower case). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a header value; several challenges may share one header, separated by commas. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const out: Challenge[] = [];
  for (const value of values) {
    let i = 0;
    const s = value;
    const skip = () => { while (i < s.length && /[\s,]/.test(s[i]!)) i++; };
    const token = () => {
      const start = i;
      while (i < s.length && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(s[i]!)) i++;
      return s.slice(start, i);
    };
    skip();
    while (i < s.length) {
      const scheme = token();
      if (!scheme) break;
      const c: Challenge = { scheme: scheme.toLowerCase(), params: {} };
      out.push(c);
      for (;;) {
        while (s[i] === ' ') i++;
        const save = i;
        const name = token();
        while (s[i] === ' ') i++;
        if (!name || s[i] !== '=') {
          i = save; // the next challenge's scheme, or the end
          break;
        }
        i++;
        while (s[i] === ' ') i++;
        let v = '';
        if (s[i] === '"') {
          i++;
          while (i < s.length && s[i] !== '"') {
            if (s[i] === '\\' && i + 1 < s.length) i++;
            v += s[i++];
          }
          i++;
        } else {
          const start = i;
          while (i < s.length && s[i] !== ',' && s[i] !== ' ') i++;
          v = s.slice(start, i);
        }
        c.params[name.toLowerCase()] = v;
        while (s[i] === ' ') i++;
        if (s[i] === ',') i++;
      }
      skip();
    }
  }
  return out;
}
