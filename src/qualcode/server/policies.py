"""Roles, row-level security and the trigger that orders and applies each change, on the server.

Members (the ``qualcode_member`` role) may read what the policies let them see and may write in
one way only: by inserting operations into ``qualcode.changes``. The write policy lets

* a manager send any operation;
* a coder send operations on codings and memos that are theirs, before and after (the row's
  current owner on the server is checked, not what the client claims);
* a reader send nothing.

A blind phase hides other coders' codings and memos from coders and readers (managers see all).

The BEFORE trigger takes the project's lock (so sequence numbers are handed out in commit order
and a reader never skips a change that commits late), drops an operation whose uuid was seen
before (so sending twice is harmless), restores a code or document that was deleted while a
coding referring to it was on its way, and refuses a delete that would orphan others' rows. The
AFTER trigger applies the change to ``rows`` (field by field for updates: the later change wins,
and every field two edits both changed is written to ``conflicts``), then notifies listeners.
"""

POLICIES_SQL = r"""
CREATE FUNCTION qualcode.member_role(who text, proj text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
BEGIN
    RETURN (SELECT role FROM qualcode.members WHERE project = proj AND username = who);
END
$$;

CREATE FUNCTION qualcode.member_coder(who text, proj text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
BEGIN
    RETURN (SELECT coder FROM qualcode.members WHERE project = proj AND username = who);
END
$$;

CREATE FUNCTION qualcode.may_read(who text, proj text, tbl text, row_owner text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
BEGIN
    RETURN coalesce(
        (SELECT CASE WHEN m.role = 'manager' OR row_owner IS NULL OR row_owner = m.coder THEN true
                     ELSE NOT p.blind END
           FROM qualcode.members m JOIN qualcode.projects p ON p.name = m.project
          WHERE m.project = proj AND m.username = who),
        false);
END
$$;

-- The caller, as text in the database's collation: current_user is a ``name`` (collation "C"),
-- which would pass its collation on to the policy functions and keep their lookups off the indexes.
CREATE FUNCTION qualcode.me() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT current_user::text COLLATE "default" $$;

-- The latest sequence number of a project, whatever the caller may see (a replica's new position).
CREATE FUNCTION qualcode.head(proj text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
    SELECT coalesce(max(seq), 0) FROM qualcode.changes WHERE project = proj
$$;

CREATE FUNCTION qualcode.owner_of(tbl text, data jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE tbl WHEN 'codings' THEN data->>'coder' WHEN 'memos' THEN data->>'author' END
$$;

CREATE FUNCTION qualcode.may_write(who text, proj text, t text, k text, change_kind text, after jsonb)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
DECLARE
    m qualcode.members%ROWTYPE;
    current_owner text;
BEGIN
    SELECT * INTO m FROM qualcode.members WHERE project = proj AND username = who;
    IF NOT FOUND THEN RETURN false; END IF;
    IF m.role = 'manager' THEN RETURN true; END IF;
    IF m.role <> 'coder' OR t NOT IN ('codings', 'memos') THEN RETURN false; END IF;
    IF change_kind <> 'delete' AND qualcode.owner_of(t, after) IS DISTINCT FROM m.coder THEN
        RETURN false;
    END IF;
    SELECT owner INTO current_owner FROM qualcode.rows WHERE project = proj AND tbl = t AND key = k;
    IF FOUND AND current_owner IS DISTINCT FROM m.coder THEN RETURN false; END IF;
    RETURN true;
END
$$;

CREATE FUNCTION qualcode.row_label(t text, data jsonb, k text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE t WHEN 'codes' THEN 'code ''' || coalesce(data->>'name', k) || ''''
                  WHEN 'documents' THEN 'document ''' || coalesce(data->>'name', k) || ''''
                  WHEN 'codings' THEN 'a coding by ' || coalesce(data->>'coder', '?')
                  WHEN 'memos' THEN 'a memo by ' || coalesce(data->>'author', '?')
                  ELSE t || ' ' || k END
$$;

-- Bring back a deleted code or document a new coding refers to; false when it never existed.
CREATE FUNCTION qualcode.ensure_row(proj text, t text, k text, because qualcode.changes) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
DECLARE
    tomb qualcode.changes%ROWTYPE;
BEGIN
    IF EXISTS (SELECT 1 FROM qualcode.rows WHERE project = proj AND tbl = t AND key = k) THEN
        RETURN true;
    END IF;
    SELECT * INTO tomb FROM qualcode.changes
     WHERE project = proj AND tbl = t AND key = k AND kind = 'delete' AND status = 'applied'
     ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN RETURN false; END IF;
    INSERT INTO qualcode.changes (seq, project, op_uuid, replica, coder, tbl, kind, key, after)
    VALUES (0, proj, gen_random_uuid(), NULL, NULL, t, 'insert', k, tomb.before);
    INSERT INTO qualcode.conflicts (project, seq, tbl, key, kind, detail, replicas)
    VALUES (proj, currval('qualcode.change_seq'), t, k, 'restored',
            format('%s was restored: %s arrived after %s deleted it',
                   qualcode.row_label(t, tomb.before, k),
                   qualcode.row_label(because.tbl, coalesce(because.after, because.before), because.key),
                   tomb.coder),
            array_remove(ARRAY[because.replica, tomb.replica], NULL));
    RETURN true;
END
$$;

CREATE FUNCTION qualcode.changes_before() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
DECLARE
    row_data jsonb := coalesce(NEW.after, NEW.before);
    ref text;
    dependents bigint;
    others uuid[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('qualcode:' || NEW.project));
    IF EXISTS (SELECT 1 FROM qualcode.changes WHERE op_uuid = NEW.op_uuid) THEN
        RETURN NULL;  -- sent before: applying twice would double it
    END IF;
    NEW.status := 'applied';
    NEW.at := now();
    NEW.coder := coalesce(qualcode.member_coder(NEW.username, NEW.project), NEW.coder);
    NEW.owner := qualcode.owner_of(NEW.tbl, row_data);
    IF NEW.kind <> 'delete' THEN
        IF NEW.tbl = 'codings' THEN
            IF NOT qualcode.ensure_row(NEW.project, 'documents', jsonb_build_array(NEW.after->>'document')::text, NEW)
               OR NOT qualcode.ensure_row(NEW.project, 'codes', jsonb_build_array(NEW.after->>'code')::text, NEW) THEN
                NEW.status := 'rejected';
            END IF;
        ELSIF NEW.tbl = 'codes' AND NEW.after->>'parent' IS NOT NULL THEN
            IF NOT qualcode.ensure_row(NEW.project, 'codes', jsonb_build_array(NEW.after->>'parent')::text, NEW) THEN
                NEW.status := 'rejected';
            END IF;
        END IF;
        IF NEW.kind = 'update' AND NEW.tbl NOT IN ('codings', 'memos') AND NOT EXISTS (
                SELECT 1 FROM qualcode.rows WHERE project = NEW.project AND tbl = NEW.tbl AND key = NEW.key) THEN
            NEW.status := 'rejected';
            NEW.seq := nextval('qualcode.change_seq');
            INSERT INTO qualcode.conflicts (project, seq, tbl, key, kind, detail, replicas)
            VALUES (NEW.project, NEW.seq, NEW.tbl, NEW.key, 'gone',
                    format('%s was changed by %s after it had been deleted; the change was not applied',
                           qualcode.row_label(NEW.tbl, row_data, NEW.key), coalesce(NEW.coder, NEW.username)),
                    array_remove(ARRAY[NEW.replica], NULL));
            RETURN NEW;
        END IF;
        IF NEW.status = 'rejected' THEN
            NEW.seq := nextval('qualcode.change_seq');
            INSERT INTO qualcode.conflicts (project, seq, tbl, key, kind, detail, replicas)
            VALUES (NEW.project, NEW.seq, NEW.tbl, NEW.key, 'missing',
                    format('%s refers to a code or document the server never had; not applied',
                           qualcode.row_label(NEW.tbl, row_data, NEW.key)),
                    array_remove(ARRAY[NEW.replica], NULL));
            RETURN NEW;
        END IF;
    ELSIF NEW.tbl IN ('codes', 'documents') THEN
        ref := NEW.before->>'uuid';
        IF NEW.tbl = 'codes' THEN
            SELECT count(*) INTO dependents FROM qualcode.rows
             WHERE project = NEW.project AND ((tbl = 'codings' AND data->>'code' = ref)
                                           OR (tbl = 'codes' AND data->>'parent' = ref));
        ELSE
            SELECT count(*) INTO dependents FROM qualcode.rows
             WHERE project = NEW.project AND tbl IN ('codings', 'turns', 'speakers', 'document_aliases')
               AND data->>'document' = ref;
        END IF;
        IF dependents > 0 THEN
            NEW.status := 'rejected';
            NEW.seq := nextval('qualcode.change_seq');
            SELECT array_agg(DISTINCT c.replica) INTO others FROM qualcode.changes c
             WHERE c.project = NEW.project AND c.tbl IN ('codings', 'codes') AND c.replica IS NOT NULL
               AND c.key IN (SELECT r.key FROM qualcode.rows r WHERE r.project = NEW.project
                              AND ((r.tbl = 'codings' AND r.data->>(CASE NEW.tbl WHEN 'codes' THEN 'code' ELSE 'document' END) = ref)
                                OR (r.tbl = 'codes' AND r.data->>'parent' = ref)));
            INSERT INTO qualcode.conflicts (project, seq, tbl, key, kind, detail, replicas)
            VALUES (NEW.project, NEW.seq, NEW.tbl, NEW.key, 'kept',
                    format('%s was kept: %s deleted it while %s row(s) referring to it arrived from others',
                           qualcode.row_label(NEW.tbl, NEW.before, NEW.key), coalesce(NEW.coder, NEW.username),
                           dependents),
                    array_remove(array_prepend(NEW.replica, coalesce(others, '{}')), NULL));
            RETURN NEW;
        END IF;
    END IF;
    NEW.seq := nextval('qualcode.change_seq');
    RETURN NEW;
END
$$;

CREATE FUNCTION qualcode.changes_after() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qualcode, pg_temp AS $$
DECLARE
    cur jsonb;
    merged jsonb;
    f text;
    v jsonb;
    prev qualcode.changes%ROWTYPE;
BEGIN
    IF NEW.status = 'applied' THEN
        IF NEW.kind = 'delete' THEN
            DELETE FROM qualcode.rows WHERE project = NEW.project AND tbl = NEW.tbl AND key = NEW.key;
        ELSE
            SELECT data INTO cur FROM qualcode.rows
             WHERE project = NEW.project AND tbl = NEW.tbl AND key = NEW.key FOR UPDATE;
            IF NOT FOUND OR NEW.kind = 'insert' THEN
                merged := NEW.after;
                IF NOT FOUND AND NEW.kind = 'update' THEN
                    INSERT INTO qualcode.conflicts (project, seq, tbl, key, kind, detail, replicas)
                    VALUES (NEW.project, NEW.seq, NEW.tbl, NEW.key, 'restored',
                            format('%s was changed after it had been deleted; it was restored with the change',
                                   qualcode.row_label(NEW.tbl, NEW.after, NEW.key)),
                            array_remove(ARRAY[NEW.replica], NULL));
                END IF;
            ELSE
                merged := cur;
                FOR f, v IN SELECT * FROM jsonb_each(NEW.after) LOOP
                    IF v IS DISTINCT FROM (NEW.before -> f) THEN
                        IF (cur -> f) IS DISTINCT FROM (NEW.before -> f) AND (cur -> f) IS DISTINCT FROM v THEN
                            SELECT * INTO prev FROM qualcode.changes
                             WHERE project = NEW.project AND tbl = NEW.tbl AND key = NEW.key AND seq < NEW.seq
                               AND status = 'applied'
                             ORDER BY seq DESC LIMIT 1;
                            INSERT INTO qualcode.conflicts (project, seq, tbl, key, kind, detail, replicas)
                            VALUES (NEW.project, NEW.seq, NEW.tbl, NEW.key, 'overwritten',
                                    format('%s: %s set %s to %s while %s had set it to %s; the later change (%s) is kept',
                                           qualcode.row_label(NEW.tbl, cur, NEW.key), coalesce(NEW.coder, NEW.username), f,
                                           v::text, coalesce(prev.coder, prev.username, 'someone'), (cur -> f)::text,
                                           coalesce(NEW.coder, NEW.username)),
                                    array_remove(ARRAY[NEW.replica, prev.replica], NULL));
                        END IF;
                        merged := merged || jsonb_build_object(f, v);
                    END IF;
                END LOOP;
            END IF;
            INSERT INTO qualcode.rows (project, tbl, key, data, owner)
            VALUES (NEW.project, NEW.tbl, NEW.key, merged, qualcode.owner_of(NEW.tbl, merged))
            ON CONFLICT (project, tbl, key) DO UPDATE SET data = excluded.data, owner = excluded.owner;
        END IF;
    END IF;
    PERFORM pg_notify('qualcode_changes', NEW.project);
    RETURN NULL;
END
$$;

CREATE TRIGGER changes_order BEFORE INSERT ON qualcode.changes
    FOR EACH ROW EXECUTE FUNCTION qualcode.changes_before();
CREATE TRIGGER changes_apply AFTER INSERT ON qualcode.changes
    FOR EACH ROW EXECUTE FUNCTION qualcode.changes_after();

ALTER TABLE qualcode.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE qualcode.members ENABLE ROW LEVEL SECURITY;
ALTER TABLE qualcode.replicas ENABLE ROW LEVEL SECURITY;
ALTER TABLE qualcode.rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE qualcode.changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE qualcode.conflicts ENABLE ROW LEVEL SECURITY;

CREATE POLICY member_reads ON qualcode.projects FOR SELECT
    USING (qualcode.member_role(qualcode.me(), name) IS NOT NULL);
CREATE POLICY member_reads ON qualcode.members FOR SELECT
    USING (qualcode.member_role(qualcode.me(), project) IS NOT NULL);
CREATE POLICY member_reads ON qualcode.replicas FOR SELECT
    USING (qualcode.member_role(qualcode.me(), project) IS NOT NULL);
CREATE POLICY own_replica_added ON qualcode.replicas FOR INSERT
    WITH CHECK (username = current_user AND coder = qualcode.member_coder(qualcode.me(), project));
CREATE POLICY own_replica_touched ON qualcode.replicas FOR UPDATE
    USING (username = current_user) WITH CHECK (username = current_user);
CREATE POLICY member_reads ON qualcode.rows FOR SELECT
    USING (qualcode.may_read(qualcode.me(), project, tbl, owner));
CREATE POLICY member_reads ON qualcode.changes FOR SELECT
    USING (qualcode.may_read(qualcode.me(), project, tbl, owner));
CREATE POLICY role_writes ON qualcode.changes FOR INSERT
    WITH CHECK (username = current_user AND qualcode.may_write(qualcode.me(), project, tbl, key, kind, after));
CREATE POLICY member_reads ON qualcode.conflicts FOR SELECT
    USING (qualcode.member_role(qualcode.me(), project) IS NOT NULL);
"""
