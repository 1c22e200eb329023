import type { Question } from './question.js';

/**
 * Pave's default developer-experience questionnaire: DevEx's three dimensions (feedback loops, cognitive
 * load, flow state), satisfaction with the platform and its golden paths, one recommend question scored as
 * NPS, and two free-text questions. Ids are stable: edit the words, keep the id.
 */
export function defaultQuestionnaire(): Question[] {
  return [
    { id: 'build-feedback', type: 'likert', topic: 'feedback-loops', text: 'I get feedback from builds and tests quickly enough to stay focused.' },
    { id: 'review-feedback', type: 'likert', topic: 'feedback-loops', text: 'Code reviews of my changes come back quickly.' },
    { id: 'deploy-confidence', type: 'likert', topic: 'feedback-loops', text: 'I can ship a change to production quickly and with confidence.' },
    { id: 'docs-findable', type: 'likert', topic: 'cognitive-load', text: 'I can find the documentation and the owner of a service when I need them.' },
    { id: 'infra-understandable', type: 'likert', topic: 'cognitive-load', text: 'Getting infrastructure for my service does not require knowing its internals.' },
    { id: 'focus-time', type: 'likert', topic: 'flow', text: 'I have enough uninterrupted time to do deep work.' },
    { id: 'few-interruptions', type: 'likert', topic: 'flow', text: 'Tooling problems rarely interrupt my work.' },
    { id: 'platform-satisfaction', type: 'likert', topic: 'satisfaction', text: 'Overall, I am satisfied with the platform.' },
    { id: 'golden-paths-helpful', type: 'likert', topic: 'golden-paths', text: 'The golden paths (templates) help me start new work the right way.' },
    { id: 'self-service-satisfaction', type: 'likert', topic: 'satisfaction', text: 'Requesting platform capabilities (databases, namespaces, …) by self-service works well for me.' },
    { id: 'recommend-platform', type: 'nps', topic: 'recommend', text: 'How likely are you to recommend the platform to a colleague?', required: true },
    { id: 'biggest-friction', type: 'text', topic: 'other', text: 'What slows you down the most?' },
    { id: 'one-improvement', type: 'text', topic: 'other', text: 'If the platform team could improve one thing, what should it be?' },
  ];
}
