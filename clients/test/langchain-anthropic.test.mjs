// LangChain JS (ChatAnthropic) on the Anthropic-compatible endpoint (/v1/messages), against every provider.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatAnthropic } from '@langchain/anthropic';
import { HumanMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { GATEWAY, KEY, CHAT, PROVIDERS, named, assertUsage, WEATHER_PROMPT, BOTH_PROMPT, PERSON_EXPECTED } from '../lib/env.mjs';

const person = z.object({ name: z.string(), age: z.number().int(), height: z.number(), tags: z.array(z.string()),
  mood: z.enum(['happy', 'sad']), active: z.boolean() });
const getWeather = tool(async ({ city }) => `sunny in ${city}`,
  { name: 'get_weather', description: 'Current weather in a city', schema: z.object({ city: z.string() }) });

for (const p of PROVIDERS) {
  const chat = () => new ChatAnthropic({ model: CHAT[p], apiKey: KEY, anthropicApiUrl: GATEWAY, maxRetries: 0, maxTokens: 256 });
  describe(`langchain anthropic: ${p}`, { concurrency: true }, () => {
    test(named(p, 'invoke with usage_metadata'), async () => {
      const r = await chat().invoke('Say hi');
      assert.equal(r.content, 'echo: Say hi');
      const u = r.usage_metadata;
      assertUsage(u.input_tokens, u.output_tokens, u.total_tokens);
    });

    test(named(p, 'stream with usage_metadata (input tokens from message_start)', 'start_usage'), async () => {
      let gathered;
      for await (const chunk of await chat().stream('Say hi there')) {
        gathered = gathered === undefined ? chunk : gathered.concat(chunk);
      }
      assert.equal(gathered.content.map?.((b) => b.text ?? '').join('') ?? gathered.content, 'echo: Say hi there');
      const u = gathered.usage_metadata;
      assertUsage(u.input_tokens, u.output_tokens, u.total_tokens);
    });

    test(named(p, 'bindTools: parallel calls, then the answer to the results'), async () => {
      const model = chat().bindTools([getWeather]);
      const messages = [new HumanMessage(BOTH_PROMPT)];
      const ai = await model.invoke(messages);
      assert.deepEqual(ai.tool_calls.map((c) => [c.name, c.args]), [['get_weather', { city: 'city-1' }], ['get_weather', { city: 'city-2' }]]);
      messages.push(ai);
      for (const c of ai.tool_calls) messages.push(await getWeather.invoke(c));
      const final = await model.invoke(messages);
      assert.match(typeof final.content === 'string' ? final.content : final.content[0].text, /^results: .*sunny in city-1.*sunny in city-2/);
    });

    test(named(p, 'bindTools streamed: tool call chunks'), async () => {
      let gathered;
      for await (const chunk of await chat().bindTools([getWeather]).stream(WEATHER_PROMPT)) {
        gathered = gathered === undefined ? chunk : gathered.concat(chunk);
      }
      assert.deepEqual(gathered.tool_calls.map((c) => [c.name, c.args]), [['get_weather', { city: 'city-1' }]]);
    });

    test(named(p, 'withStructuredOutput (forced tool)'), async () => {
      const r = await chat().withStructuredOutput(person, { name: 'person' }).invoke('Invent a person');
      assert.deepEqual(r, PERSON_EXPECTED);
    });
  });
}
