// The de catalogue: one file per area, each under its area's key (`domains.title`).
import common from './common';
import auth from './auth';
import domainsBase from './domains';
import domainsConnect from './domains-connect';
import domainsDetail from './domains-detail';
import dns from './dns';
import projects from './projects';
import routing from './routing';
import widget from './widget';
import apiKeys from './apiKeys';
import webhooks from './webhooks';
import notifications from './notifications';
import plans from './plans';
import members from './members';
import organizations from './organizations';
import audit from './audit';
import operator from './operator';

const domains = { ...domainsBase, detail: domainsDetail, connect: domainsConnect };

export default { common, auth, domains, dns, projects, routing, widget, apiKeys, webhooks, notifications, plans, members, organizations, audit, operator };
