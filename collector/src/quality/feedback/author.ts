import { grafanaUser, type RequestHeaders } from '../../auth/headers';
import type { Principal } from '../../auth/principal';
import type { FeedbackAuthor } from './store';

/**
 * Who gives a feedback. A person: a signed-in user, or a Grafana user (the Grafana app's key,
 * with the user its proxy names when it does); their login is the author. Otherwise an
 * application, named by its key.
 */
export function feedbackAuthor(request: RequestHeaders & { principal: Principal }): FeedbackAuthor {
  const user = grafanaUser(request);
  const p = request.principal;
  const person = p.actorType === 'USER' || p.role === 'grafana' || user !== null;
  return { source: person ? 'person' : 'app', author: user ?? p.actorName };
}
