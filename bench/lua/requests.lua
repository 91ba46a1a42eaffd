-- Replays requests from a file prepared by bench/run.py and reports a JSON summary.
-- Usage: wrk ... -s requests.lua URL -- FILE MODE
--   FILE: one request per line, tab-separated: METHOD, PATH, BODY ("-" for none), then "Name: value" headers.
--   MODE: "cycle" (start over at the end) or "once" (each line used once; threads share the lines
--         round-robin and stop when theirs run out: checkout of fresh carts).
-- done() prints one line "BENCH_JSON {...}" with requests, duration, latency percentiles, errors, statuses.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  requests_list = {}
  statuses = {}
  mode = args[2] or "cycle"
  local nthreads = tonumber(args[3] or "1")
  local index = 0
  for line in io.lines(args[1]) do
    if mode ~= "once" or index % nthreads == tid then
      local f = split(line)
      local headers = {}
      for i = 4, #f do
        local name, value = string.match(f[i], "^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      local body = nil
      if f[3] ~= "-" then body = f[3] end
      table.insert(requests_list, wrk.format(f[1], f[2], headers, body))
    end
    index = index + 1
  end
end

function request()
  counter = counter + 1
  if counter > #requests_list then
    if mode == "once" then
      wrk.thread:stop()
      return wrk.format("GET", "/health/live")  -- at most one per connection while the thread stops
    end
    counter = 1
  end
  return requests_list[counter]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for key, value in pairs(counts) do
      merged[key] = (merged[key] or 0) + value
    end
  end
  local parts = {}
  for key, value in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"socket_errors": %d, "status_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status, table.concat(parts, ", ")))
end
