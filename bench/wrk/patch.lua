-- Scenario 6: PATCH /v1/statistics/{key} with If-Match, writing a revision each time.
-- Run with as many connections as threads: each thread changes its own statistic, one
-- request after another, sending the ETag its previous answer carried.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local threads = 0

function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
end

function init(args)
  etag = "*"
  path = "/v1/statistics/bench-statistic-" .. index
  key = os.getenv("BENCH_KEY")
  n = 0
end

function request()
  n = n + 1
  return wrk.format("PATCH", path, {
    ["Content-Type"] = "application/merge-patch+json",
    ["If-Match"] = etag,
    ["Authorization"] = "Bearer " .. key,
  }, '{"value": ' .. (1000 + n) .. '}')
end

function response(status, headers, body)
  local tag = headers["etag"] or headers["ETag"]
  if tag then etag = tag end
end
