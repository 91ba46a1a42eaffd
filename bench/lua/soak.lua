-- One kind of soak traffic (bench/soak.py runs one wrk per kind, side by side).
-- Usage: wrk -t1 ... -s soak.lua URL -- FILE
--   FILE: one request per line, tab-separated: METHOD, PATH, BODY ("-" for none), then "Name: value" headers
--         (the format of bench/harness/load.py's Request.line()). The lines are replayed in a cycle; `fresh`
--         counts the requests sent from the first pass (for checkout: carts tried for the first time; later
--         passes meet carts already ordered and answer 409).
-- done() prints one line "SOAK_JSON {...}": requests, duration, latency percentiles, socket errors by kind,
-- status counts, fresh.

local threads = {}

function setup(thread)
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
  sent = 0
  for line in io.lines(args[1]) do
    local f = split(line)
    if #f >= 3 then
      local headers = {}
      for i = 4, #f do
        local name, value = string.match(f[i], "^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      local body = nil
      if f[3] ~= "-" then body = f[3] end
      table.insert(requests_list, wrk.format(f[1], f[2], headers, body))
    end
  end
  lines = #requests_list
end

function request()
  sent = sent + 1
  return requests_list[((sent - 1) % #requests_list) + 1]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  local fresh = 0
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("statuses")) do
      merged[key] = (merged[key] or 0) + value
    end
    fresh = fresh + math.min(thread:get("sent"), thread:get("lines"))
  end
  local parts = {}
  for key, value in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  local e = summary.errors
  io.write(string.format(
    'SOAK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "fresh": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, fresh, table.concat(parts, ", ")))
end
