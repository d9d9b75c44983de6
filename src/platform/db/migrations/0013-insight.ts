import { sql, type Kysely } from 'kysely'

/**
 * Team figures (the Insight dashboard and the Home Office quarterly return) at national scale.
 *
 * Two pre-aggregated tables, both kept in step by triggers in the same transaction as the change, so every
 * write path (pages, API, imports, merges, the demo) keeps them right without knowing about them:
 *  - insight_referral_facts: one row per referral and potential victim (slot 0 also carries the referral's
 *    own figures; a referral with no potential victim has one row with no person). The facts are derived by
 *    the view insight_referral_facts_source, which is the one definition of every figure.
 *  - insight_summary: counts per strategic-priority scope ('' = all), dimension, key and month, maintained from
 *    the facts table's changes (statement triggers over transition tables), so the dashboard sums a few
 *    thousand rows instead of scanning half a million referrals. Part-months at the ends of a date range are
 *    counted from the facts (insight_fact_cells, by the received_on index): at most two months of rows.
 * Bulk loaders may set `lantern.insight_bulk = on` for their session to skip the triggers, then must call
 * insight_rebuild().
 * Frozen once released: literal values only.
 */

/**
 * The one definition of every dashboard cell: for each fact row, the (scope, dimension, key) it counts in,
 * with the days to a decision where there is one. Used over the facts table (the view insight_fact_cells,
 * for part-months) and over the triggers' transition tables (the monthly summary).
 */
export function cells(rows: string): string {
  return `
    SELECT f.received_on, f.month, sc.scope, c.dimension, c.key, c.days
    FROM ${rows} f
    CROSS JOIN LATERAL unnest(ARRAY[''] || f.priority_tags) AS sc(scope)
    CROSS JOIN LATERAL (
      SELECT v.dimension, v.key, v.days FROM (VALUES
        ('referrals', 'all', NULL::int, f.slot = 0),
        ('source', f.source, NULL, f.slot = 0),
        ('exploitation', f.exploitation_key, NULL, f.slot = 0),
        ('county-lines', CASE WHEN f.county_lines THEN 'yes' ELSE 'no' END, NULL, f.slot = 0),
        ('status', f.status, NULL, f.slot = 0),
        ('victims', 'all', NULL, f.person_id IS NOT NULL),
        ('age', f.age_group, NULL, f.person_id IS NOT NULL),
        ('gender', f.gender, NULL, f.person_id IS NOT NULL),
        ('nationality', f.nationality, NULL, f.person_id IS NOT NULL),
        ('location', f.location, NULL, f.person_id IS NOT NULL),
        ('route', f.route, NULL, f.person_id IS NOT NULL),
        ('rg', coalesce(f.rg_outcome, CASE WHEN f.nrm_state = 'withdrawn' THEN 'withdrawn' ELSE 'awaiting' END), f.rg_on - f.nrm_submitted_on, f.route = 'nrm'),
        ('cg', coalesce(f.cg_outcome, CASE WHEN f.nrm_state IN ('withdrawn', 'disqualified') THEN f.nrm_state ELSE 'awaiting' END),
          f.cg_on - f.nrm_submitted_on, f.rg_outcome = 'positive')
      ) AS v(dimension, key, days, applies)
      WHERE v.applies
      UNION ALL
      SELECT 'priority', tag, NULL FROM unnest(CASE WHEN f.slot <> 0 THEN ARRAY[]::text[]
        WHEN cardinality(f.priority_tags) = 0 THEN ARRAY['none'] ELSE f.priority_tags END) AS tag
    ) AS c`
}

/**
 * The monthly summary cells a set of fact rows contributes, added (sign 1) or taken away (sign -1): upserted
 * by the triggers, or inserted into the emptied table by a rebuild.
 */
function summaryDelta(rows: string, sign: 1 | -1, mode: 'upsert' | 'rebuild' = 'upsert'): string {
  return `
    INSERT INTO insight_summary AS t (scope, dimension, month, key, n, days)
    SELECT c.scope, c.dimension, c.month, c.key, (${sign} * count(*))::bigint, (${sign} * coalesce(sum(c.days), 0))::bigint
    FROM (${cells(rows)}) AS c
    GROUP BY 1, 2, 3, 4
    ${
      mode === 'rebuild'
        ? ''
        : `-- One order for every writer, so two transactions touching the same cells cannot deadlock.
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (scope, dimension, month, key) DO UPDATE SET n = t.n + excluded.n, days = t.days + excluded.days`
    }`
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = permissions || ARRAY['insight:view']
    WHERE id IN ('supervisor', 'investigator', 'analyst', 'support') AND NOT 'insight:view' = ANY (permissions);

    CREATE TABLE insight_referral_facts (
      referral_id uuid NOT NULL,
      slot integer NOT NULL,
      person_id uuid,
      received_on date NOT NULL,
      month date NOT NULL,
      source text NOT NULL,
      exploitation_types text[] NOT NULL,
      -- The exact set of types as one key ('labour+sexual'), from which "only X" and combinations are derived.
      exploitation_key text NOT NULL,
      county_lines boolean NOT NULL,
      priority_tags text[] NOT NULL,
      status text NOT NULL,
      age_group text,
      gender text,
      nationality text,
      location text,
      route text,
      victim_types text[],
      nrm_submitted_on date,
      competent_authority text,
      rg_outcome text,
      rg_on date,
      cg_outcome text,
      cg_on date,
      nrm_state text,
      dtn_submitted_on date,
      PRIMARY KEY (referral_id, slot)
    );
    -- The quarterly return reads NRM referrals, Duty to Notify reports and decisions by their own dates.
    -- The days of part-months at the ends of a date range are counted from the facts themselves.
    CREATE INDEX insight_facts_received_idx ON insight_referral_facts (received_on);
    CREATE INDEX insight_facts_nrm_idx ON insight_referral_facts (nrm_submitted_on) WHERE nrm_submitted_on IS NOT NULL;
    CREATE INDEX insight_facts_dtn_idx ON insight_referral_facts (dtn_submitted_on) WHERE dtn_submitted_on IS NOT NULL;
    CREATE INDEX insight_facts_rg_idx ON insight_referral_facts (rg_on) WHERE rg_on IS NOT NULL;
    CREATE INDEX insight_facts_cg_idx ON insight_referral_facts (cg_on) WHERE cg_on IS NOT NULL;

    CREATE TABLE insight_summary (
      scope text NOT NULL,
      dimension text NOT NULL,
      month date NOT NULL,
      key text NOT NULL,
      n bigint NOT NULL,
      days bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (scope, dimension, month, key)
    );

    -- Every figure's definition. Age at exploitation: as screened; else the Duty to Notify's age band; else a
    -- child at NRM referral; else age on the referral date from the date of birth; an age-disputed person
    -- with no date of birth is presumed a child (MSA s51); else the approximate age; else unknown.
    -- Where exploitation happened is recorded only on a Duty to Notify; otherwise it is unknown.
    CREATE VIEW insight_referral_facts_source AS
    SELECT r.id AS referral_id,
      coalesce(v.slot, 0) AS slot,
      v.person_id,
      (r.received_at AT TIME ZONE 'Europe/London')::date AS received_on,
      date_trunc('month', r.received_at AT TIME ZONE 'Europe/London')::date AS month,
      r.source, r.exploitation_types,
      CASE WHEN cardinality(r.exploitation_types) = 0 THEN 'not-specified'
        ELSE array_to_string(ARRAY(SELECT DISTINCT x FROM unnest(r.exploitation_types) AS x ORDER BY 1), '+') END AS exploitation_key,
      r.county_lines, r.priority_tags, r.status,
      v.age_group, v.gender, v.nationality, v.location, v.route, v.victim_types,
      v.nrm_submitted_on, v.competent_authority, v.rg_outcome, v.rg_on, v.cg_outcome, v.cg_on, v.nrm_state, v.dtn_submitted_on
    FROM referrals r
    LEFT JOIN LATERAL (
      SELECT (row_number() OVER (ORDER BY s.position, s.person_id) - 1)::int AS slot,
        s.person_id,
        coalesce(nullif(p.gender, ''), 'not-known') AS gender,
        coalesce(p.nationalities[1], 'not-known') AS nationality,
        CASE
          WHEN sc.facts ->> 'exploited_as_child' = 'true' THEN 'child'
          WHEN sc.facts ->> 'exploited_as_child' = 'false' THEN 'adult'
          WHEN d.age_at_exploitation IN ('adult', 'child') THEN d.age_at_exploitation
          WHEN n.child_at_referral THEN 'child'
          WHEN p.date_of_birth IS NOT NULL THEN
            CASE WHEN p.date_of_birth > (r.received_at AT TIME ZONE 'Europe/London')::date - interval '18 years' THEN 'child' ELSE 'adult' END
          WHEN p.age_disputed THEN 'child'
          WHEN p.approximate_age IS NOT NULL THEN CASE WHEN p.approximate_age < 18 THEN 'child' ELSE 'adult' END
          ELSE 'unknown'
        END AS age_group,
        coalesce(d.exploitation_location, 'unknown') AS location,
        CASE WHEN n.id IS NOT NULL THEN 'nrm' WHEN d.id IS NOT NULL THEN 'dtn' ELSE 'none' END AS route,
        CASE WHEN jsonb_typeof(sc.outcome -> 'exploitation_types') = 'array' AND jsonb_array_length(sc.outcome -> 'exploitation_types') > 0
          THEN ARRAY(SELECT DISTINCT CASE t WHEN 'LABOUR' THEN 'labour' WHEN 'SEXUAL' THEN 'sexual' WHEN 'CRIMINAL' THEN 'criminal'
              WHEN 'DOMESTIC_SERVITUDE' THEN 'domestic-servitude' WHEN 'ORGAN_HARVESTING' THEN 'organ-harvesting' ELSE 'not-specified' END
            FROM jsonb_array_elements_text(sc.outcome -> 'exploitation_types') AS t ORDER BY 1)
          ELSE ARRAY(SELECT DISTINCT x FROM unnest(r.exploitation_types) AS x ORDER BY 1)
        END AS victim_types,
        n.submitted_on AS nrm_submitted_on,
        n.competent_authority,
        rg.outcome AS rg_outcome, rg.occurred_on AS rg_on,
        cg.outcome AS cg_outcome, cg.occurred_on AS cg_on,
        CASE WHEN n.id IS NULL THEN NULL
          WHEN st.withdrawn THEN 'withdrawn'
          WHEN rg.outcome IS NULL THEN 'awaiting-rg'
          WHEN rg.outcome = 'negative' THEN 'rg-negative'
          WHEN st.disqualified THEN 'disqualified'
          WHEN cg.outcome IS NULL THEN 'awaiting-cg'
          ELSE 'cg-' || cg.outcome
        END AS nrm_state,
        d.submitted_on AS dtn_submitted_on
      FROM referral_subjects s
      JOIN people p ON p.id = s.person_id
      LEFT JOIN LATERAL (SELECT x.facts, x.outcome FROM screenings x WHERE x.referral_id = r.id AND x.person_id = s.person_id AND x.status = 'confirmed'
        ORDER BY x.confirmed_at DESC NULLS LAST, x.created_at DESC LIMIT 1) sc ON true
      LEFT JOIN LATERAL (SELECT x.id, x.submitted_on, x.competent_authority, x.child_at_referral FROM nrm_referrals x
        WHERE x.referral_id = r.id AND x.person_id = s.person_id ORDER BY x.submitted_on DESC, x.created_at DESC LIMIT 1) n ON true
      LEFT JOIN LATERAL (SELECT e.outcome, e.occurred_on FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'reasonable-grounds'
        ORDER BY e.occurred_on DESC, e.recorded_at DESC LIMIT 1) rg ON true
      LEFT JOIN LATERAL (SELECT e.outcome, e.occurred_on FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'conclusive-grounds'
        ORDER BY e.occurred_on DESC, e.recorded_at DESC LIMIT 1) cg ON true
      LEFT JOIN LATERAL (SELECT coalesce(bool_or(e.kind = 'withdrawn'), false) AS withdrawn, coalesce(bool_or(e.kind = 'disqualified'), false) AS disqualified
        FROM nrm_events e WHERE e.nrm_referral_id = n.id) st ON true
      LEFT JOIN LATERAL (SELECT x.id, x.submitted_on, x.age_at_exploitation, x.exploitation_location FROM dtn_submissions x
        WHERE x.referral_id = r.id AND x.person_id = s.person_id ORDER BY x.submitted_on DESC, x.created_at DESC LIMIT 1) d ON true
      WHERE s.referral_id = r.id AND s.role = 'potential-victim'
    ) v ON true;

    CREATE VIEW insight_fact_cells AS ${sql.raw(cells('insight_referral_facts'))};

    CREATE FUNCTION insight_summary_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      ${sql.raw(summaryDelta('added_rows', 1))};
      RETURN NULL;
    END;
    $$;
    CREATE FUNCTION insight_summary_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      ${sql.raw(summaryDelta('removed_rows', -1))};
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER insight_facts_added AFTER INSERT ON insight_referral_facts
      REFERENCING NEW TABLE AS added_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_summary_added();
    CREATE TRIGGER insight_facts_removed AFTER DELETE ON insight_referral_facts
      REFERENCING OLD TABLE AS removed_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_summary_removed();

    CREATE FUNCTION insight_refresh_referral(target uuid) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM insight_referral_facts WHERE referral_id = target;
      INSERT INTO insight_referral_facts SELECT * FROM insight_referral_facts_source WHERE referral_id = target;
    END;
    $$;

    -- Everything again from the base tables: after a bulk load, or to check the maintained tables. The summary
    -- is built in one pass over the facts rather than through the triggers, with room to aggregate in memory.
    CREATE FUNCTION insight_rebuild() RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      bulk text := current_setting('lantern.insight_bulk', true);
    BEGIN
      PERFORM set_config('work_mem', '256MB', true);
      PERFORM set_config('lantern.insight_bulk', 'on', true);
      TRUNCATE insight_referral_facts, insight_summary;
      INSERT INTO insight_referral_facts SELECT * FROM insight_referral_facts_source;
      ${sql.raw(summaryDelta('insight_referral_facts', 1, 'rebuild'))};
      PERFORM set_config('lantern.insight_bulk', coalesce(bulk, ''), true);
    END;
    $$;

    -- A change to a row that holds a referral id (in the column named by the trigger's argument).
    CREATE FUNCTION insight_referral_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      old_id uuid;
      new_id uuid;
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      IF TG_OP <> 'INSERT' THEN old_id := (to_jsonb(OLD) ->> TG_ARGV[0])::uuid; END IF;
      IF TG_OP <> 'DELETE' THEN new_id := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid; END IF;
      IF old_id IS NOT NULL AND old_id IS DISTINCT FROM new_id THEN PERFORM insight_refresh_referral(old_id); END IF;
      IF new_id IS NOT NULL THEN PERFORM insight_refresh_referral(new_id); END IF;
      RETURN NULL;
    END;
    $$;

    CREATE FUNCTION insight_nrm_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      target uuid;
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      FOR target IN SELECT DISTINCT n.referral_id FROM nrm_referrals n
        WHERE n.id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.nrm_referral_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.nrm_referral_id END)
      LOOP
        PERFORM insight_refresh_referral(target);
      END LOOP;
      RETURN NULL;
    END;
    $$;

    CREATE FUNCTION insight_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      target uuid;
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      FOR target IN SELECT DISTINCT s.referral_id FROM referral_subjects s WHERE s.person_id = NEW.id AND s.role = 'potential-victim' LOOP
        PERFORM insight_refresh_referral(target);
      END LOOP;
      RETURN NULL;
    END;
    $$;

    CREATE TRIGGER insight_referrals AFTER INSERT OR DELETE OR UPDATE OF received_at, source, exploitation_types, county_lines, priority_tags, status
      ON referrals FOR EACH ROW EXECUTE FUNCTION insight_referral_changed('id');
    CREATE TRIGGER insight_referral_subjects AFTER INSERT OR UPDATE OR DELETE ON referral_subjects
      FOR EACH ROW EXECUTE FUNCTION insight_referral_changed('referral_id');
    CREATE TRIGGER insight_screenings AFTER INSERT OR DELETE OR UPDATE OF status, facts, outcome, referral_id, person_id ON screenings
      FOR EACH ROW EXECUTE FUNCTION insight_referral_changed('referral_id');
    CREATE TRIGGER insight_nrm_referrals AFTER INSERT OR UPDATE OR DELETE ON nrm_referrals
      FOR EACH ROW EXECUTE FUNCTION insight_referral_changed('referral_id');
    CREATE TRIGGER insight_dtn_submissions AFTER INSERT OR UPDATE OR DELETE ON dtn_submissions
      FOR EACH ROW EXECUTE FUNCTION insight_referral_changed('referral_id');
    CREATE TRIGGER insight_nrm_events AFTER INSERT OR UPDATE OR DELETE ON nrm_events
      FOR EACH ROW EXECUTE FUNCTION insight_nrm_event_changed();
    CREATE TRIGGER insight_people AFTER UPDATE OF gender, nationalities, date_of_birth, approximate_age, age_disputed ON people
      FOR EACH ROW EXECUTE FUNCTION insight_person_changed();

    -- Snapshot figures on the dashboard: overdue tasks, and live jobs by status.
    CREATE INDEX case_tasks_open_due_idx ON case_tasks (due_on) WHERE status = 'open';

    SELECT insight_rebuild();
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER IF EXISTS insight_referrals ON referrals;
    DROP TRIGGER IF EXISTS insight_referral_subjects ON referral_subjects;
    DROP TRIGGER IF EXISTS insight_screenings ON screenings;
    DROP TRIGGER IF EXISTS insight_nrm_referrals ON nrm_referrals;
    DROP TRIGGER IF EXISTS insight_dtn_submissions ON dtn_submissions;
    DROP TRIGGER IF EXISTS insight_nrm_events ON nrm_events;
    DROP TRIGGER IF EXISTS insight_people ON people;
    DROP FUNCTION IF EXISTS insight_referral_changed(), insight_nrm_event_changed(), insight_person_changed(), insight_refresh_referral(uuid),
      insight_rebuild(), insight_summary_added(), insight_summary_removed() CASCADE;
    DROP VIEW IF EXISTS insight_fact_cells, insight_referral_facts_source;
    DROP TABLE IF EXISTS insight_summary, insight_referral_facts;
    DROP INDEX IF EXISTS case_tasks_open_due_idx;
    UPDATE roles SET permissions = array_remove(permissions, 'insight:view');
  `.execute(db)
}
