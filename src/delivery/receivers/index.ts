import type { DeliveryProvider } from '../delivery-config.js';
import type { ProviderReceiver } from './provider-receiver.js';
import { githubReceiver } from './github-receiver.js';
import { gitlabReceiver } from './gitlab-receiver.js';
import { argocdReceiver } from './argocd-receiver.js';
import { fluxReceiver } from './flux-receiver.js';
import { pagerdutyReceiver } from './pagerduty-receiver.js';

/** Every provider's receiver, by the provider's name (the path segment of its webhook URL). */
export const RECEIVERS: Readonly<Record<DeliveryProvider, ProviderReceiver>> = { github: githubReceiver, gitlab: gitlabReceiver, argocd: argocdReceiver, flux: fluxReceiver, pagerduty: pagerdutyReceiver };
