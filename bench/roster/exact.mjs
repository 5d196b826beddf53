// exact.mjs INSTANCE.json... — the exact reference of the roster benchmark.
// It writes FORMAT.md's model afresh (sharing no code with the Go planner),
// with the disaggregated cohort link o[p][d] ≤ y[d][cohort(p)], and solves it
// with HiGHS (WebAssembly, npm "highs"): first the least violation cost V,
// then the least objective with V held there. One JSON line per instance.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const highs = await require("highs")();

const DEFAULT_VW = { minOnsite: 10, duty: 10, cohort: 10, maxTelePerWeek: 1, targetReduction: 1 };

function isoWeek(s) {
  const d = new Date(s + "T00:00:00Z");
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const firstThu = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  return d.getUTCFullYear() * 100 + 1 + Math.round((d - firstThu) / 604800000 - ((firstThu.getUTCDay() + 6) % 7 - 3) / 7);
}

// shareBand with exact decimals: θ = n/10^k from the number's text.
function shareBand(text, tol, a) {
  let [ip, fp = ""] = String(text).split(".");
  const den = 10n ** BigInt(fp.length);
  const num = BigInt(ip + fp);
  const c = num * BigInt(a);
  const fl = c / den;
  const ce = c % den === 0n ? fl : fl + 1n;
  return [Math.max(0, Number(fl) - tol), Math.min(a, Number(ce) + tol)];
}

function build(inst, stage, vmax) {
  const D = inst.days.length, staff = inst.staff, N = staff.length;
  const leave = staff.map((s) => new Set(inst.leave?.[s.id] ?? []));
  const avail = staff.map((s, p) => inst.days.filter((d) => !leave[p].has(d)).length);
  const A = avail.reduce((a, b) => a + b, 0);
  const w = { fairness: 0, preference: 0, change: 0, ...(inst.weights ?? {}) };
  const vw = { ...DEFAULT_VW, ...(inst.violationWeights ?? {}) };
  const o = (p, d) => `o_${p}_${d}`;
  const obj = new Map(); // var → coefficient
  let offset = 0;
  const addObj = (v, c) => { if (c !== 0) obj.set(v, (obj.get(v) ?? 0) + c); };
  const rows = [], bounds = [], bins = [];
  const vterms = [];
  const useObj = stage !== "v";
  const slack = (name, family, ub) => {
    bounds.push(`0 <= ${name} <= ${ub}`);
    if (stage === "v") addObj(name, vw[family]);
    vterms.push([name, vw[family]]);
    return name;
  };
  const pref = new Map();
  for (const pr of inst.preferences ?? []) pref.set(pr.staff + "|" + pr.day, pr.mode);
  for (let p = 0; p < N; p++) for (let d = 0; d < D; d++) {
    const day = inst.days[d], prev = inst.previousPlan?.[staff[p].id]?.[d];
    if (leave[p].has(day)) { if (useObj && prev !== undefined && prev !== "LEAVE") offset += w.change; continue; }
    bins.push(o(p, d));
    if (!useObj) continue;
    const m = pref.get(staff[p].id + "|" + day);
    // o = 1 ONSITE: cost when TELE wished or previous not ONSITE; TELE cost goes to offset − coefficient.
    let con = 0, ctl = 0;
    if (m === "TELE") con += w.preference; else if (m === "ONSITE") ctl += w.preference;
    if (prev !== undefined) { if (prev !== "ONSITE") con += w.change; if (prev !== "TELE") ctl += w.change; }
    offset += ctl; addObj(o(p, d), con - ctl);
  }
  const av = (p, d) => !leave[p].has(inst.days[d]);
  for (let d = 0; d < D; d++) {
    const need = inst.minOnsite[d];
    if (need > 0) {
      let t = [];
      for (let p = 0; p < N; p++) if (av(p, d)) t.push(o(p, d));
      let r = t.join(" + ") || "0 o_dummy";
      if (stage !== "feasible") r += ` + ${slack(`sm_${d}`, "minOnsite", need)}`;
      rows.push(`${r} >= ${need}`);
    }
    (inst.duties ?? []).forEach((du, k) => {
      const need = du.minOnsite[d];
      if (need <= 0) return;
      let t = [];
      for (let p = 0; p < N; p++) if (av(p, d) && (staff[p].qualifications ?? []).includes(du.id)) t.push(o(p, d));
      let r = t.join(" + ");
      if (stage !== "feasible") r = (r ? r + " + " : "") + slack(`sk_${k}_${d}`, "duty", need);
      if (!r) { rows.push(`0 o_dummy >= ${need}`); return; }
      rows.push(`${r} >= ${need}`);
    });
  }
  if (inst.maxTelePerWeek !== null && inst.maxTelePerWeek !== undefined) {
    const weeks = [...new Set(inst.days.map(isoWeek))];
    for (let p = 0; p < N; p++) for (const wk of weeks) {
      const t = [];
      for (let d = 0; d < D; d++) if (isoWeek(inst.days[d]) === wk && av(p, d)) t.push(o(p, d));
      const need = t.length - inst.maxTelePerWeek;
      if (need <= 0) continue;
      let r = t.join(" + ");
      if (stage !== "feasible") r += ` + ${slack(`sw_${p}_${wk}`, "maxTelePerWeek", need)}`;
      rows.push(`${r} >= ${need}`);
    }
  }
  if (inst.targetReduction !== null && inst.targetReduction !== undefined) {
    const cap = Math.floor((1 - inst.targetReduction) * A + 1e-9);
    const t = [];
    for (let p = 0; p < N; p++) for (let d = 0; d < D; d++) if (av(p, d)) t.push(o(p, d));
    let r = t.join(" + ");
    if (stage !== "feasible") r += ` - ${slack("sg", "targetReduction", A)}`;
    rows.push(`${r} <= ${cap}`);
  }
  if (inst.cohorts?.neverMeet) {
    const names = inst.cohorts.names;
    for (let d = 0; d < D; d++) {
      names.forEach((_, c) => bins.push(`y_${d}_${c}`));
      rows.push(names.map((_, c) => `y_${d}_${c}`).join(" + ") + " = 1");
      for (let p = 0; p < N; p++) if (av(p, d)) {
        const c = names.indexOf(staff[p].cohort);
        let r = `${o(p, d)} - y_${d}_${c}`;
        if (stage !== "feasible") r += ` - ${slack(`sc_${p}_${d}`, "cohort", 1)}`;
        rows.push(`${r} <= 0`);
      }
    }
  }
  if (useObj && w.fairness > 0) {
    const fz = inst.fairness ?? { reference: "share", share: inst.targetReduction ?? 0 };
    if ((fz.reference ?? "share") === "share") {
      const tol = fz.tolerance ?? 0;
      for (let p = 0; p < N; p++) {
        if (avail[p] === 0) continue;
        const [lo, hi] = shareBand(fz.share, tol, avail[p]);
        const t = [];
        for (let d = 0; d < D; d++) if (av(p, d)) t.push(o(p, d));
        // TELE = a − Σo; over ≥ TELE − hi, under ≥ lo − TELE.
        rows.push(`${t.join(" + ")} + fo_${p} >= ${avail[p] - hi}`);
        rows.push(`${t.join(" + ")} - fu_${p} <= ${avail[p] - lo}`);
        addObj(`fo_${p}`, w.fairness); addObj(`fu_${p}`, w.fairness);
      }
    } else {
      const tau = fz.tolerance ?? 0;
      const all = [];
      for (let p = 0; p < N; p++) for (let d = 0; d < D; d++) if (av(p, d)) all.push(o(p, d));
      rows.push(`${all.join(" + ")} - OT = 0`);
      bounds.push(`0 <= OT <= ${A}`);
      for (let p = 0; p < N; p++) {
        if (avail[p] === 0) continue;
        const t = [];
        for (let d = 0; d < D; d++) if (av(p, d)) t.push(o(p, d));
        const sh = avail[p] / A;
        // T_p − a_p·T/A = a_p·O/A − O_p.
        rows.push(`fe_${p} + ${t.join(" + ")} - ${sh} OT >= ${-tau}`);
        rows.push(`fe_${p} - ${t.join(" - ")} + ${sh} OT >= ${-tau}`);
        addObj(`fe_${p}`, w.fairness);
      }
    }
  }
  if (stage === "obj" && vterms.length) {
    rows.push(vterms.filter(([, c]) => c > 0).map(([v, c]) => `${c} ${v}`).join(" + ") + ` <= ${vmax + 1e-6}`);
  }
  let objLine = [...obj].map(([v, c]) => `${c >= 0 ? "+" : "-"} ${Math.abs(c)} ${v}`).join(" ");
  if (!objLine) objLine = "0 o_dummy";
  bounds.push("0 <= o_dummy <= 0");
  const lp = `Minimize\n obj: ${objLine}\nSubject To\n${rows.map((r, i) => ` c${i}: ${r}`).join("\n")}\nBounds\n${bounds.map((b) => " " + b).join("\n")}\nBinary\n ${bins.join("\n ")}\nEnd\n`;
  if (process.env.DUMP_LP) console.error(lp);
  return { lp, offset };
}

function solve(lp) {
  return highs.solve(lp, { mip_rel_gap: 0, mip_abs_gap: 1e-6, time_limit: 120, output_flag: false });
}

let lastSol = null;
for (const file of process.argv.slice(2)) {
  const inst = JSON.parse(readFileSync(file, "utf8"));
  const t0 = process.hrtime.bigint();
  // The feasible model first: when it is feasible its optimum is the answer
  // (V = 0); otherwise the violation stage, then the objective stage.
  let out = { name: inst.name };
  const f = build(inst, "feasible");
  let s = solve(f.lp);
  if (s.Status === "Optimal") {
    out.violationCost = 0;
    out.objective = s.ObjectiveValue + f.offset;
  } else if (s.Status === "Infeasible") {
    const v = build(inst, "v");
    const sv = solve(v.lp);
    out.violationCost = sv.ObjectiveValue;
    const ob = build(inst, "obj", sv.ObjectiveValue);
    const so = solve(ob.lp);
    lastSol = so;
    out.objective = so.ObjectiveValue + ob.offset;
    out.status2 = sv.Status + "/" + so.Status;
  } else {
    out.error = s.Status;
  }
  out.status = s.Status;
  if (process.env.PLAN_DIR && s.Columns) {
    // The reference plan itself, to check with verify.py.
    const last = out.status2 ? lastSol : s;
    const asg = {};
    inst.staff.forEach((st, p) => {
      asg[st.id] = inst.days.map((day, d) => (inst.leave?.[st.id] ?? []).includes(day) ? "LEAVE"
        : (last.Columns[`o_${p}_${d}`]?.Primal ?? 0) > 0.5 ? "ONSITE" : "TELE");
    });
    const plan = { schema: "roster-plan/1", instance: inst.name, assignments: asg };
    if (inst.cohorts?.neverMeet) plan.cohortByDay = inst.days.map((_, d) =>
      inst.cohorts.names.find((_, c) => (last.Columns[`y_${d}_${c}`]?.Primal ?? 0) > 0.5) ?? inst.cohorts.names[0]);
    writeFileSync(`${process.env.PLAN_DIR}/${inst.name}.json`, JSON.stringify(plan));
  }
  out.seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify(out));
}
