// Word lists for the sample prose: a fictional logistics SaaS ("Larkspur") whose support,
// knowledge base, ticket router and report summarizer produce the traffic.

const words = (list: string): readonly string[] => list.trim().split(/\s+/);

export const NOUNS = words(`
  invoice shipment parcel pallet warehouse carrier label manifest order refund dashboard
  webhook integration export report account workspace seat plan subscription quota token
  address customer driver route depot container barcode scanner printer tracking notification
  credit discount coupon payment receipt statement ledger budget forecast region zone
  schedule pickup delivery return exception claim insurance policy contract supplier vendor
  product catalogue stock bin shelf forklift dock trailer truck van courier signature
  password login session permission role admin owner member team project milestone deadline
  ticket queue escalation agent workflow rule trigger filter template field column row
  timestamp timezone currency tariff customs declaration commodity weight dimension volume
  surcharge fuel mileage odometer battery sensor firmware device tablet app browser cache
  cookie certificate domain endpoint request response payload header limit retry backoff
  outage incident latency error alert monitor metric threshold baseline migration backup
  snapshot archive audit log entry record batch job pipeline cluster node replica index
  spreadsheet upload download attachment folder document draft revision approval comment
`);

export const VERBS = words(`
  update cancel refund ship track export import sync archive approve reject assign schedule
  reschedule verify validate review merge split print scan reprint upload download reset
  rotate revoke renew upgrade downgrade migrate restore configure enable disable confirm
  escalate resolve reopen flag tag route reroute dispatch deliver collect invoice charge
  credit recalculate forecast allocate reserve release transfer duplicate delete rename
`);

export const PAST_VERBS = words(`
  updated cancelled refunded shipped tracked exported imported synced archived approved
  rejected assigned scheduled rescheduled verified validated reviewed merged split printed
  scanned uploaded downloaded reset rotated revoked renewed upgraded migrated restored
  configured enabled disabled confirmed escalated resolved reopened flagged routed dispatched
  delivered collected charged credited recalculated allocated reserved released transferred
`);

export const ADJECTIVES = words(`
  pending overdue partial duplicate missing damaged fragile urgent standard express
  international domestic recurring annual monthly weekly daily quarterly regional global
  primary secondary default custom legacy new previous current upcoming archived active
  inactive suspended verified unverified manual automatic scheduled delayed failed
  successful incomplete invalid expired temporary permanent shared private public internal
  external optional mandatory bulk single multiple oversized refrigerated hazardous
`);

export const ADVERBS = words(`
  quickly automatically manually immediately eventually carefully partially fully usually
  rarely occasionally temporarily permanently silently correctly incorrectly twice again
`);

export const PRODUCTS = [
  'Larkspur Dispatch', 'Larkspur Ledger', 'RouteBook', 'DockSight', 'the Carrier Hub',
  'the mobile app', 'the web portal', 'the Billing Center', 'Parcel Studio', 'the API',
] as const;

export const PLACES = [
  'Zürich', 'São Paulo', 'Kraków', 'Malmö', 'Rotterdam', 'Łódź', 'Montréal', 'Reykjavík',
  'Düsseldorf', 'Osaka', 'Chicago', 'Nairobi', 'Lyon', 'Gdańsk', 'Bogotá', 'Auckland',
] as const;

export const PEOPLE = [
  'José', 'Zoë', 'Björn', 'Siobhán', 'Łukasz', 'Amélie', 'Priya', 'Chen Wei', 'Oluwaseun',
  'Mariana', 'Søren', 'Dmitri', 'Aiko', 'Fatima', 'Noah', 'Ingrid', 'Mateo', 'Hana',
] as const;

export const PLANS = ['Starter', 'Growth', 'Scale', 'Enterprise'] as const;

export const TEAMS = ['finance', 'operations', 'the warehouse team', 'dispatch', 'customer success', 'IT'] as const;

export const DURATIONS = [
  'two business days', 'five business days', '24 hours', '48 hours', 'one week', '30 days',
  '90 days', 'fifteen minutes', 'an hour', 'the next billing cycle', 'ten working days',
] as const;

export const LABELS = [
  'billing', 'shipping_delay', 'damaged_goods', 'account_access', 'refund_request',
  'integration_bug', 'feature_request', 'address_change', 'cancellation', 'other',
] as const;

export const AUDIENCES = ['the executive team', 'a new engineer', 'the finance team', 'customers', 'the on-call rotation'] as const;

export const DOCUMENT_KINDS = [
  'incident postmortem', 'quarterly business review', 'carrier contract', 'meeting notes',
  'product requirements document', 'security review', 'warehouse audit',
] as const;

export const CODE_IDENTIFIERS = words(`
  shipment order invoice route label carrier parcel batch client retry payload webhook
  tracking depot manifest quota cursor page result response
`);
