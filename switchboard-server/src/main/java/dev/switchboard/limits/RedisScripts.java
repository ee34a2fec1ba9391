package dev.switchboard.limits;

/** The Lua run by {@link RedisLimiter}; each executes atomically on the server. */
final class RedisScripts {
    private RedisScripts() {
    }

    /**
     * KEYS: counters. ARGV: per key, increment, limit, ttl seconds (0 = keep). Reads every counter, refuses
     * on the first that would pass its limit (an empty increment still needs 1 left), else increments all.
     * Returns {refused index (1-based, 0 = admitted), value per key}.
     */
    static final LuaScript ADMIT = new LuaScript("""
            local n = #KEYS
            local values = {}
            local refused = 0
            for i = 1, n do
              local inc = tonumber(ARGV[i * 3 - 2])
              local limit = tonumber(ARGV[i * 3 - 1])
              local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
              values[i] = cur
              if refused == 0 and cur + math.max(inc, 1) > limit then
                refused = i
              end
            end
            if refused == 0 then
              for i = 1, n do
                local inc = tonumber(ARGV[i * 3 - 2])
                local ttl = tonumber(ARGV[i * 3])
                values[i] = redis.call('INCRBY', KEYS[i], inc)
                if ttl > 0 then
                  redis.call('EXPIRE', KEYS[i], ttl)
                end
              end
            end
            local out = {refused}
            for i = 1, n do
              out[i + 1] = values[i]
            end
            return out
            """);

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
