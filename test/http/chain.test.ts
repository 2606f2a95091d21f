import { describe, expect, it } from 'vitest';
import { composeSteps, type Attempt, type AttemptContext, type Step } from '../../src/http/chain.js';

describe('composeSteps', () => {
  it('wraps the send outermost first, each step seeing what the inner ones returned', async () => {
    const seen: string[] = [];
    const step =
      (name: string): Step =>
      (next) =>
      async (context) => {
        seen.push(`${name} in`);
        const response = await next(context);
        seen.push(`${name} out`);
        return { ...response, text: `${name}(${response.text})` };
      };
    const send: Attempt = async (context) => {
      seen.push('send');
      return { status: 200, headers: {}, text: context.url.pathname, url: context.safeUrl };
    };
    const attempt = composeSteps([step('a'), step('b')], send);
    const url = new URL('http://127.0.0.1:9/x');
    const context = { url, target: url, safeUrl: url.href } as unknown as AttemptContext;
    await expect(attempt(context)).resolves.toMatchObject({ text: 'a(b(/x))' });
    expect(seen).toEqual(['a in', 'b in', 'send', 'b out', 'a out']);
  });
});
