/** Each person's notifications, with the unread count in the navigation. */
import { z } from 'zod';
import { actorOf, requireSignIn, type AppModule } from '../http/app.ts';
import { NotFoundError } from '../http/errors.ts';
import { render } from '../http/render.ts';
import { sql } from 'drizzle-orm';
import { listNotifications, markAllRead, markRead, unreadCount } from './in-app.ts';
import { notifications } from './schema.ts';
// The one rule about restricted children reaches notices too: one sent before a restriction is not shown to people outside it.
import { linkVisibleSql } from '../../restrictions/visibility.ts';
import type { Actor } from '../auth/actor.ts';

const shownTo = (actor: Actor) => linkVisibleSql(actor, sql`${notifications.link}`);

declare module '../http/render.ts' {
  interface ViewModels {
    'platform/notifications': {
      notifications: Array<{ id: string; title: string; body: string | null; link: string | null; createdAt: Date; readAt: Date | null }>;
    };
  }
}

export const notifyModule: AppModule = {
  navigation: [{ href: '/notifications', text: 'Notifications', count: (db, actor) => unreadCount(db, actor.userId, shownTo(actor)) }],
  register(app, { db }) {
    app.get('/notifications', requireSignIn, async (_req, res) => {
      render(res, 'platform/notifications', { notifications: await listNotifications(db, actorOf(res), 100, shownTo(actorOf(res))) });
    });

    app.post('/notifications/:notificationId/read', requireSignIn, async (req, res) => {
      const id = z.uuid().safeParse(req.params.notificationId);
      if (!id.success) throw new NotFoundError();
      const link = await markRead(db, actorOf(res), id.data);
      res.redirect(303, link ?? '/notifications');
    });

    app.post('/notifications/read-all', requireSignIn, async (_req, res) => {
      await markAllRead(db, actorOf(res));
      res.redirect(303, '/notifications');
    });
  },
};
