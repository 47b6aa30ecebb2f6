-- The most wasteful requests of each feature, with the segment that shows the waste (the
-- system prompt, the oldest history message, an unused chunk, the output, or the question).
with ranked as (
    select
        request_waste.request_id,
        request_waste.category,
        request_waste.tokens,
        request_waste.cost_usd,
        requests.feature,
        row_number() over (
            partition by requests.feature order by request_waste.cost_usd desc, request_waste.request_id
        ) as waste_rank
    from request_waste
    inner join requests using (request_id)
),

picked as (
    select *
    from ranked
    where waste_rank <= $per_feature
),

evidence_kind as (
    select
        picked.*,
        case category
            when 'repeated_system_prompt' then 'system'
            when 'history_overflow' then 'history'
            when 'unused_retrieval' then 'retrieval'
            when 'verbose_output' then 'output'
            else 'user'
        end as kind
    from picked
),

evidence as (
    select
        evidence_kind.request_id,
        arg_min(texts.text, segments.ordinal) as text
    from evidence_kind
    inner join segments
        on segments.request_id = evidence_kind.request_id and segments.kind = evidence_kind.kind
    left join chunk_usage
        on chunk_usage.request_id = segments.request_id and chunk_usage.ordinal = segments.ordinal
    inner join texts using (text_hash)
    where evidence_kind.kind <> 'retrieval' or not coalesce(chunk_usage.used, true)
    group by evidence_kind.request_id
)

select evidence_kind.feature, evidence_kind.waste_rank, evidence_kind.request_id, evidence_kind.category,
       evidence_kind.tokens, evidence_kind.cost_usd, evidence.text
from evidence_kind
left join evidence using (request_id)
order by evidence_kind.feature, evidence_kind.waste_rank
