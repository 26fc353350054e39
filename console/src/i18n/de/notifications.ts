/** The notifications area's strings (de): the bell, the notifications page, preferences and live-event toasts. */
export default {
  title: 'Benachrichtigungen',
  description: 'Was in Ihren Organisationen Ihre Aufmerksamkeit braucht: Domains, Zertifikate, Webhooks und Nutzung.',
  bell: {
    label: 'Benachrichtigungen',
    labelUnread: 'Benachrichtigungen, {count} ungelesen',
    panel: 'Neueste Benachrichtigungen',
    empty: 'Nichts Neues. Portico meldet sich hier, wenn eine Domain, ein Zertifikat, ein Webhook oder ein Limit Sie braucht.',
    markAllRead: 'Alle als gelesen markieren',
    seeAll: 'Alle Benachrichtigungen und Einstellungen',
    unread: 'Ungelesen',
    loadFailed: 'Benachrichtigungen konnten nicht geladen werden.',
  },
  list: {
    unreadOnly: 'Nur ungelesene',
    markRead: 'Als gelesen markieren',
    markedAllRead: 'Alle Benachrichtigungen sind als gelesen markiert.',
    read: 'Gelesen',
    unread: 'Ungelesen',
    open: 'Öffnen',
    emptyTitle: 'Keine Benachrichtigungen',
    emptyBody: 'Portico benachrichtigt Sie, wenn eine Domain verifiziert wird oder scheitert, ein Zertifikat Probleme hat, ein Webhook-Endpunkt deaktiviert wird oder ein Limit nahe ist.',
    emptyUnread: 'Keine ungelesenen Benachrichtigungen.',
  },
  severity: {
    info: 'Info',
    warning: 'Warnung',
    danger: 'Handlungsbedarf',
  },
  preferences: {
    title: 'Einstellungen',
    description: 'Wählen Sie je Thema, wo Sie davon erfahren. Ein einzelnes Ereignis hat Vorrang vor seiner Kategorie. „In der App“ aus schaltet das Thema überall stumm.',
    topic: 'Thema',
    saved: 'Einstellungen gespeichert.',
    toggle: '{channel} für {topic}',
    channels: {
      'in-app': 'In der App',
      email: 'E-Mail',
      digest: 'Tägliche Zusammenfassung',
    },
    categories: {
      domains: 'Alle Domain-Benachrichtigungen',
      certificates: 'Alle Zertifikats-Benachrichtigungen',
      webhooks: 'Alle Webhook-Benachrichtigungen',
      usage: 'Alle Nutzungs-Benachrichtigungen',
    },
    topics: {
      domain: {
        verified: 'Domain verifiziert',
        verification_failed: 'Domain-Verifizierung fehlgeschlagen',
        drifted: 'Eigentumsnachweis geändert (Drift)',
        suspended: 'Domain gesperrt',
      },
      certificate: {
        failed: 'Zertifikat fehlgeschlagen',
        expiring: 'Zertifikat läuft ab',
      },
      webhook: {
        endpoint_disabled: 'Webhook-Endpunkt deaktiviert',
      },
      usage: {
        near_limit: 'Nahe an einem Tariflimit',
        limit_reached: 'Tariflimit erreicht',
      },
    },
  },
  resources: {
    domains: 'Domains',
    projects: 'Projekte',
    mappingsPerProject: 'Zuordnungen in einem Projekt',
    apiKeys: 'API-Schlüssel',
    members: 'Mitglieder',
    webhookEndpoints: 'Webhook-Endpunkte',
  },
  toasts: {
    domain: {
      live: '{hostname} ist live.',
      verified: '{hostname} ist verifiziert.',
      verification_failed: 'Die Verifizierung von {hostname} ist fehlgeschlagen.',
      drifted: 'Der Eigentumsnachweis von {hostname} hat sich geändert.',
      suspended: '{hostname} ist gesperrt.',
    },
    certificate: {
      failed: 'Das Zertifikat für {hostname} konnte nicht ausgestellt werden.',
      expiring: 'Das Zertifikat für {hostname} läuft in {days} Tagen ab.',
    },
    usage: {
      near_limit: 'Nahe am Limit: {usage} von {limit} {resource}.',
      limit_reached: 'Limit erreicht: {usage} von {limit} {resource}.',
    },
    webhook: {
      endpoint_disabled: 'Ein Webhook-Endpunkt wurde deaktiviert, weil er zu lange fehlschlug.',
    },
  },
};
