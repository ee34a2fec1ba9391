package dev.switchboard.limits;

/** The Lua run by {@link RedisLimiter}; each executes atomically on the server. */
final class RedisScripts {
    private RedisScripts() {
    }

    /** Arguments per check in {@link #ADMIT_FUNCTION}: increment, required, limit, ttl seconds, bucket. */
    static final int ARGS_PER_CHECK = 5;

    /**
     * Defines {@code admit(ko, ao, n)}: the {@code n} checks whose keys follow {@code KEYS[ko]} and whose arguments
     * follow {@code ARGV[ao]} ({@link #ARGS_PER_CHECK} each: increment, required, limit, ttl seconds (0 = keep),
     * bucket (-1: a fixed window at the key; else a sliding window summing the key's buckets {@code key:<b>} of the
     * last {@link SlidingWindow#BUCKETS})). Refuses on the first counter without room for the required part (at
     * least 1), else charges each the increment or what is left, at least the required part. Returns {refused index
     * (1-based, 0 = admitted), when the refusing sliding window has room (ms, -1 otherwise), value per check, granted
     * per check}.
     */
    static final String ADMIT_FUNCTION = """
            local W = %d
            local N = %d
            local function admit(ko, ao, n)
              local values, granted, slots = {}, {}, {}
              local refused, frees = 0, -1
              for i = 1, n do
                local a = ao + (i - 1) * 5
                local key = KEYS[ko + i]
                local req, limit, b = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 5])
                local cur = 0
                if b >= 0 then
                  local names = {}
                  for j = 1, N do
                    names[j] = key .. ':' .. string.format('%%d', b - N + j)
                  end
                  local got = redis.call('MGET', unpack(names))
                  local v = {}
                  for j = 1, N do
                    v[j] = tonumber(got[j] or '0')
                    cur = cur + v[j]
                  end
                  slots[i] = v
                else
                  cur = tonumber(redis.call('GET', key) or '0')
                end
                values[i] = cur
                local need = math.max(req, 1)
                if refused == 0 and cur + need > limit then
                  refused = i
                  if b >= 0 and need <= limit then
                    local left = cur
                    for k = 1, N do
                      left = left - slots[i][k]
                      if left + need <= limit then
                        frees = (b + k) * W
                        break
                      end
                    end
                  end
                end
              end
              if refused == 0 then
                for i = 1, n do
                  local a = ao + (i - 1) * 5
                  local key = KEYS[ko + i]
                  local inc, req, limit = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
                  local ttl, b = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5])
                  local g = math.max(req, math.min(inc, limit - values[i]))
                  if b >= 0 then
                    key = key .. ':' .. string.format('%%d', b)
                  end
                  local now = redis.call('INCRBY', key, g)
                  if ttl > 0 then
                    redis.call('EXPIRE', key, ttl)
                  end
                  if b >= 0 then
                    values[i] = values[i] + g
                  else
                    values[i] = now
                  end
                  granted[i] = g
                end
              else
                for i = 1, n do
                  granted[i] = 0
                end
              end
              local out = {refused, frees}
              for i = 1, n do
                out[i + 2] = values[i]
                out[n + i + 2] = granted[i]
              end
              return out
            end
            """.formatted(SlidingWindow.BUCKET_MILLIS, SlidingWindow.BUCKETS);

    /** One admission: every key is a check of it. */
    static final LuaScript ADMIT = new LuaScript(ADMIT_FUNCTION + "return admit(0, 0, #KEYS)\n");

    /** KEYS: counters. ARGV: delta per key. Adjusts only counters that still exist (expired windows stay gone). */
    static final LuaScript ADJUST = new LuaScript("""
            local done = 0
            for i = 1, #KEYS do
              if redis.call('EXISTS', KEYS[i]) == 1 then
                redis.call('INCRBY', KEYS[i], ARGV[i])
                done = done + 1
              end
            end
            return done
            """);
}
