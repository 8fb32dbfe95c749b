-- GET /healthz: the cheapest answer, to see how long a request waits for a worker.
request = function()
  return wrk.format("GET", "/healthz")
end
