#!/usr/bin/python3
"""Heartbeats as operators see them: a compute host and its NIC Switch
agent that report the same thing again and again are answered at once,
and their times reach `openstack network agent list` / `compute service
list` within a second or two; a host or agent that went down is up again
for the very next request after it reports; a changed report is seen at
once; the times of the last reports are written when the server stops.  A host
that sends both reports in one request (POST /v2.1/vfnet/host-report) gets
the same: registered, repeated, changed, down and back; a host report with
no agent part, one for another host, one whose agent part or compute part
is refused is answered with that refusal, and a refused compute part
changes nothing.
Usage: test-heartbeats.py PATH/TO/vfnet-server"""
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from compute_sim import ComputeServer, Host  # noqa: E402
from vfnet_server import Tap  # noqa: E402

DOWN = 10  # service_down_time and agent_down_time, seconds


def devices():
    pf = "0000:0b:00.0"
    devs = [{"address": pf, "vendor_id": "8086", "product_id": "10c9", "dev_type": "type-PF",
             "numa_node": 0, "netdevs": ["em1"], "sriov_totalvfs": 2}]
    for vf in range(2):
        devs.append({"address": f"0000:0b:10.{vf}", "vendor_id": "8086", "product_id": "10ca",
                     "dev_type": "type-VF", "parent_addr": pf, "numa_node": 0,
                     "netdevs": [f"em1v{vf}"]})
    return devs


def wait_for(cond, timeout=4.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    return cond()


def main():
    t = Tap()
    conf = f"service_down_time = {DOWN}\nagent_down_time = {DOWN}\n"
    with ComputeServer(sys.argv[1], extra_conf=conf) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        R = s.request
        host = Host(s, "hb1", devices(),
                    ['{"devname": "em1", "physical_network": "physnet1"}'], {"physnet1": ["em1"]})
        agent_body = {"agent": {"host": "hb1", "agent_type": "NIC Switch agent",
                                "binary": "neutron-sriov-nic-agent", "topic": "N/A",
                                "configurations": {"device_mappings": {"physnet1": ["em1"]}}}}

        def report():
            st1, c, _ = R("POST", "/v2.1/vfnet/compute-report", host.report_body, token=tok)
            st2, a, _ = R("POST", "/v2.0/vfnet/agent-report", agent_body, token=tok)
            return st1, c, st2, a

        def agent_listed():
            rc, agents, err = s.osc("network", "agent", "list", "--host", "hb1")
            return agents[0] if rc == 0 and agents else None

        def service_listed():
            rc, svcs, err = s.osc("compute", "service", "list", "--host", "hb1")
            return svcs[0] if rc == 0 and svcs else None

        host2 = Host(s, "hb2", devices(),
                     ['{"devname": "em1", "physical_network": "physnet1"}'],
                     {"physnet1": ["em1"]})
        agent2 = {"host": "hb2", "agent_type": "NIC Switch agent",
                  "binary": "neutron-sriov-nic-agent", "topic": "N/A",
                  "configurations": {"device_mappings": {"physnet1": ["em1"]}}}

        def host_report(agent=None, **compute):
            body = dict(host2.report_body, agent=agent or agent2, **compute)
            return R("POST", "/v2.1/vfnet/host-report", body, token=tok)[:2]

        def agent2_shown():
            st, doc, _ = R("GET", "/v2.0/agents?host=hb2", token=tok)
            return doc["agents"][0] if st == 200 and doc["agents"] else None

        st1, c, st2, a = report()
        t.ok(st1 == 201 and st2 == 201, "first reports register the host and its agent",
             (st1, st2))
        st, h1 = host_report()
        ag2 = agent2_shown()
        t.ok(st == 201 and h1["compute_host"]["hostname"] == "hb2" and ag2 is not None
             and ag2["alive"] is True,
             "a first host report registers the host and its agent in one request", (st, h1, ag2))
        time.sleep(1.1)
        st, h2 = host_report()
        t.ok(st == 200 and h2["compute_host"] == h1["compute_host"],
             "a repeated host report: 200 with the same service and pool figures", h2)
        got = wait_for(lambda: (lambda x: x if x and x["heartbeat_timestamp"]
                                != ag2["heartbeat_timestamp"] else None)(agent2_shown()))
        t.ok(got is not None, "its agent's heartbeat time moves with it", ag2)
        agent_id = a["agent"]["id"]
        first_updated = service_listed()["Updated At"]

        # The same reports again, a second later: answered at once (200,
        # the figures of the report), the times following shortly.
        time.sleep(1.1)
        st1, c2, st2, a2 = report()
        t.ok(st1 == 200 and c2["compute_host"] == c["compute_host"],
             "a repeated compute report: 200 with the same service and pool figures", c2)
        t.ok(st2 == 200 and a2["agent"]["id"] == agent_id and a2["agent"]["alive"] is True,
             "a repeated agent report: 200, the same agent, alive", a2)
        hb = a2["agent"]["heartbeat_timestamp"]
        t.ok(hb != a["agent"]["heartbeat_timestamp"],
             "the answer carries the new heartbeat time", (hb, a["agent"]["heartbeat_timestamp"]))
        got = wait_for(lambda: (lambda x: x if x and x.get("heartbeat_timestamp", x.get(
            "Last Heartbeat")) == hb else None)(
            R("GET", f"/v2.0/agents/{agent_id}", token=tok)[1]["agent"]))
        t.ok(got is not None, "GET /v2.0/agents/ID shows the repeated report's time", hb)
        svc = wait_for(lambda: (lambda v: v if v and v["Updated At"] != first_updated else None)(
            service_listed()))
        t.ok(svc is not None and svc["State"] == "up",
             "openstack compute service list: Updated At moved, the host up", svc)

        # A host report's refusals, each as the endpoint that refuses it.
        body = dict(host2.report_body)
        st, doc, _ = R("POST", "/v2.1/vfnet/host-report", body, token=tok)
        t.ok(st == 400 and "badRequest" in doc, "a host report without its agent part: 400 "
             "in Nova's body", (st, doc))
        st, doc = host_report(dict(agent2, host="hb9"))
        t.ok(st == 400 and "hostname 'hb2'" in str(doc),
             "a host report whose agent is another host's: 400", (st, doc))
        st, doc = host_report(dict(agent2, agent_type=""))
        t.ok(st == 400 and "NeutronError" in doc,
             "a refused agent part: its 400 in Neutron's body", (st, doc))
        st, doc = host_report(dict(agent2, configurations={"device_mappings": {"x": ["y"]},
                                                         "extensions": ["sec"]}),
                              vcpus="many")
        shown = agent2_shown()
        t.ok(st == 400 and "badRequest" in doc and "extensions" not in shown["configurations"],
             "a refused compute part: 400, and its agent part is not applied", (st, doc, shown))
        st, doc = host_report(dict(agent2, configurations={"device_mappings": {
            "physnet1": ["em1"]}, "extensions": ["qos"]}))
        shown = agent2_shown()
        t.ok(st == 200 and shown["configurations"].get("extensions") == ["qos"],
             "a changed agent part: its configurations shown at once", (st, shown))
        agent2["configurations"]["extensions"] = ["qos"]

        # The same bytes again and again: the server answers the agent part
        # from its row without parsing it; a row changed or removed
        # meanwhile still takes the whole way.
        for _ in range(3):
            st, _ = host_report()
        before = agent2_shown()
        rc, err, _ = R("PUT", f"/v2.0/agents/{before['id']}",
                       {"agent": {"description": "rack 4"}}, token=tok)
        time.sleep(1.1)
        st, _ = host_report()
        got = wait_for(lambda: (lambda x: x if x and x["heartbeat_timestamp"]
                                != before["heartbeat_timestamp"] else None)(agent2_shown()))
        t.ok(rc == 200 and st == 200 and got is not None and got["description"] == "rack 4"
             and got["id"] == before["id"],
             "an agent described by an operator: the repeated host report keeps the "
             "description and moves the time", (rc, err, st, got))
        st, _, _ = R("DELETE", f"/v2.0/agents/{before['id']}", token=tok)
        st2, _ = host_report()
        again = agent2_shown()
        t.ok(st == 204 and st2 == 200 and again is not None and again["id"] != before["id"]
             and again["alive"] is True,
             "an agent deleted: the next identical host report registers it again",
             (st, st2, again))

        # A changed agent report is seen at once.
        agent_body["agent"]["configurations"]["extensions"] = ["qos"]
        st1, _, st2, a3 = report()
        st, shown, _ = R("GET", f"/v2.0/agents/{agent_id}", token=tok)
        t.ok(st2 == 200 and shown["agent"]["configurations"].get("extensions") == ["qos"],
             "a changed agent report: its configurations shown at once", shown)

        # Down, then back: up for the very next request.
        time.sleep(DOWN + 1.5)
        agent = agent_listed()
        svc = service_listed()
        t.ok(agent and agent["Alive"] is False and svc and svc["State"] == "down",
             f"no report for {DOWN} s: agent not alive, compute service down", (agent, svc))
        ag2 = agent2_shown()
        t.ok(ag2["alive"] is False, "the host-report host's agent is not alive either", ag2)
        st1, c6, st2, _ = report()
        t.ok(st1 == 200 and st2 == 200, "the reports after the outage: 200", (st1, c6, st2))
        st, _ = host_report()
        rc, svcs, _ = s.osc("compute", "service", "list", "--host", "hb2")
        t.ok(st == 200 and agent2_shown()["alive"] is True and svcs and svcs[0]["State"] == "up",
             "one host report after the outage: its agent alive and its service up at once",
             (st, svcs))
        agent = agent_listed()
        svc = service_listed()
        t.ok(agent and agent["Alive"] is True and svc and svc["State"] == "up",
             "reports again: alive and up at once, in the client's lists", (agent, svc))
        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "hbnet", "provider:network_type": "vlan",
            "provider:physical_network": "physnet1"}}, token=tok)
        st, _, _ = R("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["network"]["id"], "cidr": "10.9.0.0/24", "ip_version": 4}},
            token=tok)
        st, port, _ = R("POST", "/v2.0/ports", {"port": {
            "network_id": net["network"]["id"], "binding:vnic_type": "direct",
            "binding:host_id": "hb1"}}, token=tok)
        t.ok(st == 201 and port["port"]["binding:vif_type"] == "hw_veb",
             "a direct port bound to the revived host right after its report: hw_veb",
             port)

        # The last queued times are written when the server stops.
        time.sleep(1.1)
        st1, _, st2, a4 = report()
        hb = a4["agent"]["heartbeat_timestamp"]
        s.stop()
        s.start()
        tok = s.token()
        st, shown, _ = R("GET", f"/v2.0/agents/{agent_id}", token=tok)
        t.ok(st == 200 and shown["agent"]["heartbeat_timestamp"] == hb,
             "after a restart the agent shows the time of its last report", (hb, shown))
        st, _, _ = R("POST", "/v2.1/vfnet/compute-report", host.report_body, token=tok)
        t.ok(st == 200, "after a restart the same report is a repeat (200)", st)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
