-- wrk script of the create-organization scenario: every request creates a new organization,
-- with an organization_name and organization_slug no other request of this or any earlier run
-- has used, so a stateful server answers 200 rather than 400 organization_slug_already_used.
--   wrk ... -s create.lua URL/v1/b2b/organizations -- PREFIX
-- PREFIX (letters, digits and '-') must be unique per wrk run against the same server; each
-- wrk thread adds its own number to it.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local next_id = 1

function setup(thread)
   thread:set("thread_id", next_id)
   next_id = next_id + 1
end

local prefix
local counter = 0

function init(args)
   prefix = string.format("%s-t%d", args[1] or "bench", thread_id or 0)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   counter = counter + 1
   local slug = string.format("%s-%d", prefix, counter)
   local body = string.format(
      '{"organization_name":"Bench organization %s","organization_slug":"%s"}', slug, slug)
   return wrk.format(nil, nil, nil, body)
end
