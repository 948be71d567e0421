-- wrk script of the get-organization scenario: the request is static (method, path and headers
-- come from wrk's command line), so wrk builds it once; this script only reports.
--   wrk ... -s get.lua URL/v1/b2b/organizations/acme-corp
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
